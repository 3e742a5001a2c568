import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'

/**
 * Socket clients in processes of their own (bench/fanout-clients.ts), driven
 * over IPC, so parsing what the server sends does not share a process with
 * what the benchmark measures or produces.
 */
export class ClientPool {
  private readonly children: ChildProcess[] = []

  async start(processes: number): Promise<void> {
    for (let i = 0; i < processes; i++) {
      const child = fork(path.join(import.meta.dirname, 'fanout-clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      this.children.push(child)
      await this.reply(child, 'ready')
    }
  }

  async all<T>(command: object, expect: string, perChild?: (i: number) => object): Promise<T[]> {
    return Promise.all(
      this.children.map((child, i) => {
        const answer = this.reply<T>(child, expect)
        child.send(perChild ? perChild(i) : command)
        return answer
      }),
    )
  }

  kill(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill('SIGKILL')
  }

  private reply<T>(child: ChildProcess, key: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onMessage = (m: Record<string, unknown>) => {
        if ('error' in m) reject(new Error(String(m.error)))
        else if (key in m) resolve(m as T)
        else return
        child.off('message', onMessage)
      }
      child.on('message', onMessage)
    })
  }
}
