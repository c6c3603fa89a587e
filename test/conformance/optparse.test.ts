// optparse, exactly (issue 9, kind 10): usage and help text, $COLUMNS, option order, prefixes, integers.
// Nothing runs a daemon here: every scenario is a quick status or an error, all concurrent.
import { describe, it } from 'vitest'
import { referenceUnavailable, SAIO_CONFS } from '../helpers/fixture.js'
import { conforms, withoutOurOptions } from './scenario.js'

const spec = { binaries: ['proxy-server', 'object-server'], confs: SAIO_CONFS }
const same = (args: string[], env?: NodeJS.ProcessEnv) =>
  conforms({ spec, args, ordered: true, view: withoutOurOptions, ...(env ? { run: () => ({ env }) } : {}) })
/** One scenario after another: the tests of this file already run side by side, which is enough for two cores. */
async function each<T>(items: T[], play: (item: T) => Promise<void>): Promise<void> {
  for (const item of items) await play(item)
}

describe.skipIf(referenceUnavailable() !== null).concurrent('optparse as swift-init uses it', () => {
  it('usage and help text, whole', () => each([['-h'], ['--help'], ['proxy'], []], (args) => same(args)))

  it('the help width follows $COLUMNS (80 without it, or when it is not an integer)', () =>
    each(['20', '52', '60', '200', '-3', 'wide', ' 70 ', '6_0'], (c) => same(['-h'], { COLUMNS: c })))

  it('options are processed in order: -h before a bad option prints help and exits 0, after it the error wins', () =>
    each(
      [
        ['-h', '--bogus'],
        ['--bogus', '-h'],
        ['-c', 'x', '-h'],
        ['-vh', 'proxy', 'status'],
      ],
      (args) => same(args),
    ))

  it('unique prefixes, ambiguous ones listing their candidates sorted, and no such option', () =>
    each(
      [
        ['proxy', 'status', '--verb'],
        ['proxy', 'status', '--no'],
        ['proxy', 'status', '--n'],
        ['proxy', 'status', '--k', '3'],
        ['proxy', 'status', '--kill'],
        ['proxy', 'status', '--s'],
        ['proxy', 'status', '--'],
        ['proxy', 'status', '--bogus'],
        ['proxy', 'status', '-z'],
        ['proxy', 'status', '-vz'],
      ],
      (args) => same(args),
    ))

  it('values: attached, separate, =, missing, and given to a flag', () =>
    each(
      [
        ['object', 'status', '-c2'],
        ['object', 'status', '-vc', '2'],
        ['object', 'status', '--config-num=2'],
        ['object', 'status', '--config-n', '2'],
        ['object', 'status', '-c'],
        ['object', 'status', '--config-num'],
        ['object', 'status', '--verbose=yes'],
        ['object', 'status', '--config-num='],
        ['object', 'status', '-c', '-1'],
        ['--', 'object', 'status', '-v'],
        ['object', '-', 'status'],
      ],
      (args) => same(args),
    ))

  it('integers as optparse reads them: 0x hex, 0b binary, a leading 0 octal, Python int() otherwise', () =>
    each(['0x2', '0B1', '0b', '010', '08', '0o2', ' 2 ', '-0x1', '1_0', '0x_1', '_1', '٢', '2.0', ''], (v) =>
      same(['object', 'status', '-c', v]),
    ))
})
