// `npm test`: every check CI runs, one after another, each announced, with a line of progress at least every
// 20 s (a step that prints nothing says it is still running) and no ANSI colours when the output is not a
// terminal. Stops at the first step that fails, with its exit code.
import { spawn } from 'node:child_process'

const STEPS = [
  ['build', 'npm', ['run', '--silent', 'build']],
  ['type-check (renderer and tests)', 'npm', ['run', '--silent', 'typecheck']],
  ['lint', 'npx', ['eslint', '.']],
  ['format check', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']],
  ['unit, integration and conformance tests (vitest)', 'npx', ['vitest', 'run']],
  // Playwright sets FORCE_COLOR=1 in its workers whatever it is given, and Node warns in any process that has
  // both ("The 'NO_COLOR' env is ignored…"), so it gets no NO_COLOR. Its output stays plain all the same: when
  // that is not a terminal, Playwright strips the colours from everything it prints, its workers' included.
  ['end-to-end tests in Chromium (playwright)', 'npx', ['playwright', 'test'], ['NO_COLOR']],
]
const HEARTBEAT_MS = 20_000

const env = { ...process.env }
if (!process.stdout.isTTY) {
  env.NO_COLOR = '1'
  delete env.FORCE_COLOR
}

const started = Date.now()
const elapsed = (since) => `${Math.round((Date.now() - since) / 1000)} s`

for (const [name, command, args, unset = []] of STEPS) {
  const stepStart = Date.now()
  console.log(`\n== ${name} (${elapsed(started)} in)`)
  let lastOutput = Date.now()
  const stepEnv = Object.fromEntries(Object.entries(env).filter(([key]) => !unset.includes(key)))
  const child = spawn(command, args, { env: stepEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    from.on('data', (chunk) => {
      lastOutput = Date.now()
      to.write(chunk)
    })
  }
  const heartbeat = setInterval(() => {
    if (Date.now() - lastOutput >= HEARTBEAT_MS) {
      console.log(`   … ${name}: still running (${elapsed(stepStart)})`)
      lastOutput = Date.now()
    }
  }, 1000)
  const code = await new Promise((resolve) => {
    child.on('error', (e) => {
      console.error(`${command}: ${e.message}`)
      resolve(127)
    })
    child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)))
  })
  clearInterval(heartbeat)
  if (code !== 0) {
    console.log(`\n== ${name} failed (exit ${code}) after ${elapsed(stepStart)}; ${elapsed(started)} in all`)
    process.exit(code)
  }
  console.log(`== ${name}: done in ${elapsed(stepStart)}`)
}
console.log(`\n== all checks passed in ${elapsed(started)}`)
