// No double start when starts and stops race, from CLI processes and an in-process Manager (the panel's way):
// a few rounds of bench/swift-init-races.ts, whose 200-round figure the README quotes.
import { afterEach, expect, it } from 'vitest'
import { race, raceFixture } from '../../bench/swift-init-races.js'
import { cleanup, type Fixture } from '../helpers/fixture.js'

let f: Fixture | null = null
afterEach(() => f && cleanup(f))

it('10 starts and 10 stops racing: never two copies of the server, never one without its pid file', async () => {
  f = raceFixture()
  const r = await race(f, 8)
  expect(r).toEqual({ rounds: 8, doubleStarts: 0, untracked: 0, commands: 160, failedCommands: 0 })
})
