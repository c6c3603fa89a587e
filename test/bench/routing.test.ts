import { describe, expect, it } from 'vitest'
import { benchRouting } from '../../bench/routing.js'

describe('routing benchmark', () => {
  it('keeps up with 20,000 lines/s over 10 instances', async () => {
    const result = await benchRouting({ seconds: 1 })
    // Paced, so the rate is the target unless routing cannot keep up.
    expect(result.linesPerSec).toBeGreaterThan(15_000)
    expect(result.cpuMsPerThousandLines).toBeGreaterThan(0)
    expect(Number.isFinite(result.rssDeltaBytes)).toBe(true)
  })
})
