import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CommandRunner } from '../command-runner.ts'
import { nativePaths } from './native-paths.ts'
import { prepareMysql, restrictSocket } from './mariadb-native.ts'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dip-mysql-private-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

/** Does to the data dir what mariadb-install-db may do: fills mysql/ and leaves the folder 0755. */
const installDb: CommandRunner = {
  async run(_command, args) {
    const dataDir = String(args.find((arg) => arg.startsWith('--datadir='))).slice('--datadir='.length)
    await mkdir(join(dataDir, 'mysql'), { recursive: true })
    await chmod(dataDir, 0o755)
    await writeFile(join(dataDir, 'mysql', 'user.frm'), '')
    return { exitCode: 0, stdout: '', stderr: '', notFound: false }
  },
}

describe('the native MariaDB keeps its files to its user', () => {
  it('creates the data dir 0700', async () => {
    const paths = nativePaths(join(dir, 'state'))
    await prepareMysql(
      paths,
      { server: 'mariadbd', installDb: 'mariadb-install-db', basedir: undefined, choice: 'system' },
      installDb,
    )
    expect((await modeOf(paths.mysqlDataDir)).toString(8)).toBe('700')
  })

  it('closes an older 0755 data dir on the next start', async () => {
    const paths = nativePaths(join(dir, 'state'))
    await mkdir(join(paths.mysqlDataDir, 'mysql'), { recursive: true })
    await writeFile(join(paths.mysqlDataDir, 'mysql', 'user.frm'), '')
    await chmod(paths.mysqlDataDir, 0o755)
    expect(
      await prepareMysql(
        paths,
        { server: 'mariadbd', installDb: 'x', basedir: undefined, choice: 'system' },
        installDb,
      ),
    ).toEqual({
      initialized: false,
    })
    expect((await modeOf(paths.mysqlDataDir)).toString(8)).toBe('700')
  })

  it('makes the server socket owner-only', async () => {
    const mysqlSocket = join(dir, 'mysql.sock')
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(mysqlSocket, resolve))
    try {
      await chmod(mysqlSocket, 0o777)
      await restrictSocket({ mysqlSocket })
      expect((await modeOf(mysqlSocket)).toString(8)).toBe('600')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
