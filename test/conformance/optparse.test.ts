// optparse, exactly (issue 9, kind 10): usage and help text, $COLUMNS, option order, prefixes, integers.
// Nothing runs a daemon here: every scenario is a quick status or an error, all concurrent.
import { describe, it } from 'vitest'
import { referenceUnavailable, SAIO_CONFS } from '../helpers/fixture.js'
import { conforms, withoutOurOptions } from './scenario.js'

const spec = { binaries: ['proxy-server', 'object-server'], confs: SAIO_CONFS }
const same = (args: string[], env?: NodeJS.ProcessEnv) =>
  conforms({ spec, args, ordered: true, view: withoutOurOptions, ...(env ? { run: () => ({ env }) } : {}) })

describe.skipIf(referenceUnavailable() !== null).concurrent('optparse as swift-init uses it', () => {
  it('usage and help text, whole', () => Promise.all([same(['-h']), same(['--help']), same(['proxy']), same([])]))

  it('the help width follows $COLUMNS (80 without it, or when it is not an integer)', () =>
    Promise.all(['20', '52', '60', '200', '-3', 'wide', ' 70 ', '6_0'].map((c) => same(['-h'], { COLUMNS: c }))))

  it('options are processed in order: -h before a bad option prints help and exits 0, after it the error wins', () =>
    Promise.all([same(['-h', '--bogus']), same(['--bogus', '-h']), same(['-c', 'x', '-h']), same(['-vh', 'proxy', 'status'])]))

  it('unique prefixes, ambiguous ones listing their candidates sorted, and no such option', () =>
    Promise.all([
      same(['proxy', 'status', '--verb']),
      same(['proxy', 'status', '--no']),
      same(['proxy', 'status', '--n']),
      same(['proxy', 'status', '--k', '3']),
      same(['proxy', 'status', '--kill']),
      same(['proxy', 'status', '--s']),
      same(['proxy', 'status', '--']),
      same(['proxy', 'status', '--bogus']),
      same(['proxy', 'status', '-z']),
      same(['proxy', 'status', '-vz']),
    ]))

  it('values: attached, separate, =, missing, and given to a flag', () =>
    Promise.all([
      same(['object', 'status', '-c2']),
      same(['object', 'status', '-vc', '2']),
      same(['object', 'status', '--config-num=2']),
      same(['object', 'status', '--config-n', '2']),
      same(['object', 'status', '-c']),
      same(['object', 'status', '--config-num']),
      same(['object', 'status', '--verbose=yes']),
      same(['object', 'status', '--config-num=']),
      same(['object', 'status', '-c', '-1']),
      same(['--', 'object', 'status', '-v']),
      same(['object', '-', 'status']),
    ]))

  it('integers as optparse reads them: 0x hex, 0b binary, a leading 0 octal, Python int() otherwise', () =>
    Promise.all(
      ['0x2', '0B1', '0b', '010', '08', '0o2', ' 2 ', '-0x1', '1_0', '0x_1', '_1', '٢', '2.0', ''].map((v) =>
        same(['object', 'status', '-c', v]),
      ),
    ))
})
