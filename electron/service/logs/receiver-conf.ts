// The conf change that sends a server's logs to the built-in receiver: `log_udp_host`/`log_udp_port` in
// [DEFAULT] (get_logger prefers UDP over log_address when log_udp_host is set). The panel shows the diff
// first; applying it re-checks that the file is still what the diff was made from, then replaces it atomically.

import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, realpathSync, statSync } from 'node:fs'
import { chown, link, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { confParts, parseIni, type Ini } from '../../supervisor/ini.js'
import { confLogging } from './conf-logging.js'

export const RECEIVER_HOST = '127.0.0.1'
const KEYS = ['log_udp_host', 'log_udp_port'] as const

/** The lines to put in [DEFAULT], as shown to the user. */
export function receiverConfLines(port: number): string {
  return `log_udp_host = ${RECEIVER_HOST}\nlog_udp_port = ${port}`
}

const sectionName = (line: string) => /^\[([^\]]+)\]/.exec(line)?.[1]

/** `text` with both keys set in its [DEFAULT] section (replaced where present, added where not). */
export function withReceiverConf(text: string, port: number): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n'
  const finalNewline = text === '' || text.endsWith('\n')
  const lines = text.split(/\r?\n/)
  if (finalNewline) lines.pop()
  const want: Record<string, string> = { log_udp_host: RECEIVER_HOST, log_udp_port: String(port) }
  const start = lines.findIndex((l) => sectionName(l) === 'DEFAULT')
  if (start < 0) {
    // Keys may not come before the first section, so a new [DEFAULT] goes right before it.
    const first = lines.findIndex((l) => sectionName(l) !== undefined)
    const at = first < 0 ? lines.length : first
    lines.splice(at, 0, '[DEFAULT]', ...receiverConfLines(port).split('\n'), ...(first < 0 ? [] : ['']))
  } else {
    let end = lines.findIndex((l, i) => i > start && sectionName(l) !== undefined)
    if (end < 0) end = lines.length
    const missing = new Set<string>(KEYS)
    for (let i = start + 1; i < end; i++) {
      // configparser keys are case-insensitive and start in column one (indented lines continue a value).
      const key = /^([^\s=:][^=:]*?)\s*[=:]/.exec(lines[i] ?? '')?.[1]?.toLowerCase()
      if (key && key in want) {
        lines[i] = `${key} = ${want[key]}`
        missing.delete(key)
      }
    }
    // After the section's last setting, before the blank and comment lines that lead into the next section.
    let at = end
    while (at > start + 1 && /^\s*([#;]|$)/.test(lines[at - 1] ?? '')) at--
    lines.splice(at, 0, ...[...missing].map((k) => `${k} = ${want[k]}`))
  }
  return lines.join(nl) + (finalNewline ? nl : '')
}

/** A unified diff as `diff -u` prints it (jsdiff), labelled with the file names; '' when nothing changes. */
export function unifiedDiff(oldText: string, newText: string, oldLabel: string, newLabel: string): string {
  if (oldText === newText) return ''
  return createTwoFilesPatch(oldLabel, newLabel, oldText, newText, undefined, undefined, { context: 3, headerOptions: FILE_HEADERS_ONLY })
}

/** Pure: the edited text and its unified diff, labelled with `label`. */
export function receiverConfPatch(text: string, label: string, port: number): { newText: string; diff: string } {
  const newText = withReceiverConf(text, port)
  return { newText, diff: unifiedDiff(text, newText, label, label) }
}

export interface ReceiverConfEdit {
  /** The file that changes: the conf itself, or for a `.conf.d` directory the part that holds [DEFAULT]. */
  file: string
  /** sha256 of the file as the diff saw it; applyReceiverConf refuses when it no longer matches. */
  originalHash: string
  diff: string
  /** False when a section setting overrides [DEFAULT] for this server, so the edit would not change where it logs. */
  takesEffect: boolean
}

/** Reads the conf and works out the edit for `server`'s instance, without changing anything. */
export function receiverConfEdit(confPath: string, server: string, port: number): ReceiverConfEdit {
  const file = targetFile(confPath)
  const original = readFileSync(file)
  const { newText, diff } = receiverConfPatch(original.toString('utf8'), file, port)
  // Would the server, reading the edited conf, send to the receiver?
  const ini: Ini = { defaults: {}, sections: new Map() }
  for (const part of confParts(realpathSync(confPath))) parseIni(part === file ? newText : readFileSync(part, 'utf8'), ini)
  const udp = confLogging(server, ini, confPath).udp
  return { file, originalHash: sha256(original), diff, takesEffect: udp?.host === RECEIVER_HOST && udp.port === port }
}

/**
 * Makes the edit, after an explicit confirmation. The user's original is kept beside the file, as a hard link
 * to its inode (`<file>.swift-panel-<ms>.orig`, a name swift never reads as a conf), before anything is
 * replaced. Throws, leaving the user's file as it is, if it changed since `originalHash` was taken: before
 * the rename (content or inode), or by a write in place that raced the rename (that write then landed in
 * the original inode, which is put back).
 * @returns the file changed and where its original is kept.
 */
export async function applyReceiverConf(confPath: string, port: number, originalHash: string): Promise<{ file: string; backup: string }> {
  const file = targetFile(confPath)
  const original = readFileSync(file)
  const changed = () => new Error(`${file} changed since the proposed edit was shown; review the new diff before applying it`)
  if (sha256(original) !== originalHash) throw changed()
  const st = statSync(file)
  // Same directory, so the rename is atomic; a dot name without `.conf` so swift never reads it as a part.
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  const backup = `${file}.swift-panel-${Date.now()}.orig`
  const handle = await open(tmp, 'wx')
  try {
    try {
      await handle.writeFile(withReceiverConf(original.toString('utf8'), port))
      await handle.chmod(st.mode & 0o7777)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (process.getuid?.() === 0) await chown(tmp, st.uid, st.gid)
    // the original inode stays reachable whatever happens next; a write in place now lands in it
    await link(file, backup)
    if (sha256(await readFile(backup)) !== originalHash || (await stat(file)).ino !== (await stat(backup)).ino) throw changed()
    await rename(tmp, file)
  } catch (e) {
    await unlink(tmp).catch(() => {})
    await unlink(backup).catch(() => {})
    throw e
  }
  if (sha256(await readFile(backup)) !== originalHash) {
    // a write in place raced the rename: the user's newer text is in the original inode, put it back
    await rename(backup, file)
    throw changed()
  }
  return { file, backup }
}

/** The file to edit; symlinks resolved, so the rename replaces the real file and not the link. */
function targetFile(confPath: string): string {
  const real = realpathSync(confPath)
  if (!statSync(real).isDirectory()) return real
  const parts = confParts(real)
  // Later parts win, and only a part with [DEFAULT] can set its keys: the last such part, else the last part.
  const withDefault = parts.filter((p) =>
    readFileSync(p, 'utf8')
      .split(/\r?\n/)
      .some((l) => sectionName(l) === 'DEFAULT'),
  )
  const file = withDefault.at(-1) ?? parts.at(-1)
  if (!file) throw new Error(`${confPath} has no .conf files`)
  return file
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}
