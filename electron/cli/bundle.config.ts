// rolldown builds the CLI into one CommonJS file (npm run build:node): one module instead of a dozen, and no
// ES-module loader, whose start-up alone costs `status` about 10 ms; `.cjs`, as the package is "type": "module". The file starts with a few lines that are sh to the
// kernel and a string and a comment to Node: run as a program, sh notes whether SIGINT was inherited as
// ignored (bit 1 of SigIgn; Node resets it at start-up, Python keeps it) and execs node on the same file.
// build:node runs rolldown with CONSOLA_LEVEL=1 (its CLI logger's level: warnings and errors only): rolldown
// 1.2's CLI prints a size table and "Finished in" on success whatever --logLevel says (rolldown#7222).

import { chmodSync } from 'node:fs'
import { defineConfig } from 'rolldown'

const OUT = 'out/cli/swift-init.cjs'

const SH_PREAMBLE = [
  '#!/bin/sh',
  `":" //; unset SWIFT_INIT_SIGINT; while read -r k v; do [ "$k" = SigIgn: ] && case $v in *[2367abef]) export SWIFT_INIT_SIGINT=ignored;; esac; done 2>/dev/null </proc/$$/status; exec node "$0" "$@"`,
].join('\n')

export default defineConfig({
  input: 'electron/cli/swift-init.ts',
  platform: 'node',
  output: { file: OUT, format: 'cjs', postBanner: SH_PREAMBLE, minify: true },
  plugins: [{ name: 'executable', writeBundle: () => chmodSync(OUT, 0o755) }],
})
