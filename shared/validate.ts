// Tiny run-time validators for IPC payloads. Each returns the value typed, or throws a ValidationError
// whose message names the offending path, so a bad payload becomes `{ok:false, error:{code:'bad-request'}}`.

export class ValidationError extends Error {}

export type Validator<T> = (value: unknown, path?: string) => T

const fail = (path: string, what: string): never => {
  throw new ValidationError(`${path || 'payload'}: ${what}`)
}

export const none: Validator<undefined> = (v, p = '') => (v === undefined || v === null ? undefined : fail(p, 'expected no payload'))

export const bool: Validator<boolean> = (v, p = '') => (typeof v === 'boolean' ? v : fail(p, 'expected a boolean'))

export function int(min: number, max: number): Validator<number> {
  return (v, p = '') =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(p, `expected an integer in ${min}..${max}`)
}

export function str(pattern?: RegExp, maxLength = 4096): Validator<string> {
  return (v, p = '') => {
    if (typeof v !== 'string') return fail(p, 'expected a string')
    if (v.length > maxLength) return fail(p, `longer than ${maxLength} characters`)
    if (pattern && !pattern.test(v)) return fail(p, `does not match ${pattern}`)
    return v
  }
}

export function oneOf<const T extends readonly string[]>(values: T): Validator<T[number]> {
  return (v, p = '') => (typeof v === 'string' && values.includes(v) ? v : fail(p, `expected one of ${values.join(', ')}`))
}

export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (v, p = '') => (v === null ? null : inner(v, p))
}

export function array<T>(item: Validator<T>, maxItems: number): Validator<T[]> {
  return (v, p = '') => {
    if (!Array.isArray(v)) return fail(p, 'expected an array')
    if (v.length > maxItems) return fail(p, `more than ${maxItems} items`)
    return v.map((x, i) => item(x, `${p}[${i}]`))
  }
}

/** Keys that would reach an object's prototype when assigned: refused wherever keys come from input. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export function record<T>(key: Validator<string>, value: Validator<T>, maxKeys: number): Validator<Record<string, T>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'expected an object')
    const entries = Object.entries(v)
    if (entries.length > maxKeys) return fail(p, `more than ${maxKeys} keys`)
    const out: Record<string, T> = {}
    for (const [k, x] of entries) {
      if (FORBIDDEN_KEYS.has(k)) fail(p, `key ${k} is not allowed`)
      out[key(k, `${p}.${k}`)] = value(x, `${p}.${k}`)
    }
    return out
  }
}

/** `inner`, then a rule over the whole value: `rule` returns what is wrong, or null. */
export function refine<T>(inner: Validator<T>, rule: (value: T) => string | null): Validator<T> {
  return (v, p = '') => {
    const value = inner(v, p)
    const wrong = rule(value)
    return wrong === null ? value : fail(p, wrong)
  }
}

type Shape = Record<string, Validator<unknown>>
type FromShape<S extends Shape, O extends keyof S> = { [K in Exclude<keyof S, O>]: ReturnType<S[K]> } & {
  [K in O]?: ReturnType<S[K]>
}

/** An object with exactly these keys (unknown keys are refused); keys listed in `optional` may be absent. */
export function object<S extends Shape, O extends keyof S = never>(
  shape: S,
  optional: readonly O[] = [],
): Validator<FromShape<S, NoInfer<O>>> {
  return (v, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'expected an object')
    const input = v as Record<string, unknown>
    for (const k of Object.keys(input)) if (FORBIDDEN_KEYS.has(k) || !Object.hasOwn(shape, k)) fail(p, `unexpected key ${k}`)
    const out: Record<string, unknown> = {}
    for (const [k, check] of Object.entries(shape)) {
      if (input[k] === undefined) {
        if (!(optional as readonly string[]).includes(k)) fail(p, `missing ${k}`)
        continue
      }
      out[k] = check(input[k], p ? `${p}.${k}` : k)
    }
    return out as FromShape<S, NoInfer<O>>
  }
}
