// rolldown builds the CLI into one file (npm run build:node): loading one module instead of a dozen is most
// of what `status` costs beyond Node's own start-up. The file starts with a few lines that are sh to the
// kernel and a string and a comment to Node: run as a program, sh notes whether SIGINT was inherited as
// ignored (bit 1 of SigIgn; Node resets it at start-up, Python keeps it) and execs node on the same file.

import { chmodSync } from 'node:fs'
import { defineConfig } from 'rolldown'

const OUT = 'out/cli/swift-init.js'

const SH_PREAMBLE = [
  '#!/bin/sh',
  `":" //; unset SWIFT_INIT_SIGINT; while read -r k v; do [ "$k" = SigIgn: ] && case $v in *[2367abef]) export SWIFT_INIT_SIGINT=ignored;; esac; done 2>/dev/null </proc/$$/status; exec node "$0" "$@"`,
].join('\n')

export default defineConfig({
  input: 'electron/cli/swift-init.ts',
  platform: 'node',
  output: { file: OUT, format: 'esm', postBanner: SH_PREAMBLE },
  plugins: [{ name: 'executable', writeBundle: () => chmodSync(OUT, 0o755) }],
})
