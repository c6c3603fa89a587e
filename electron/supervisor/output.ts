// Where the supervisor prints. Every call is one Python `print()`: the text, then a newline.
// The CLI writes to stdout; the service turns calls into command output lines.

export interface Console {
  print(text: string): void
}

export const stdoutConsole: Console = {
  print: (text) => {
    process.stdout.write(text + '\n')
  },
}

/**
 * Consoles for n tasks that run concurrently but must print as if they ran one after another:
 * task i prints straight through while every task before it has finished, and is held back until then.
 */
export function inOrder(console: Console, n: number): { consoles: Console[]; finish(i: number): void } {
  const held: string[][] = Array.from({ length: n }, () => [])
  const done: boolean[] = new Array<boolean>(n).fill(false)
  let current = 0
  const consoles = held.map((buffer, i) => ({
    print: (text: string) => (i === current ? console.print(text) : buffer.push(text)),
  }))
  const finish = (i: number) => {
    done[i] = true
    while (current < n && done[current]) {
      current++
      if (current < n) for (const text of held[current]!.splice(0)) console.print(text)
    }
  }
  return { consoles, finish }
}
