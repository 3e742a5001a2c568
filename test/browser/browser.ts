import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import { REPO_ROOT, startTestServer, type TestServer } from '../integration/harness'
import type { StartOptions } from '../../server/onescreen-server'
import { SESSION_COOKIE } from '../../server/auth/http-auth'

/**
 * Headless Chromium (Debian's `chromium`, driven by playwright-core) for the
 * UI tests. WebGL2 works through SwiftShader, so the map is drawn and can be
 * checked pixel by pixel.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
]

/** Screenshots and other artifacts of UI tests (kept after the run). */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts')

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`)
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true })
}

/**
 * Chromium's own note when the first WebGL contexts of a browser process are
 * composited in software (SwiftShader with --disable-gpu reads canvases back).
 * It comes from the GPU process, not the page, and appears for any WebGL page.
 */
const DRIVER_NOTE = /GL Driver Message \(OpenGL, Performance, GL_CLOSE_PATH_NV, High\): GPU stall due to ReadPixels/

/** A page's console problems, without the GPU process's note about software compositing. */
export const pageProblems = (problems: string[]) => problems.filter((p) => !DRIVER_NOTE.test(p))

/**
 * A page that records every console error, page error and failed request,
 * signed in with `token` (a session token: the cookie a sign-in would set).
 */
export async function openPage(
  browser: Browser,
  url: string,
  token: string,
  viewport = { width: 1920, height: 1080 },
  /** Runs before the page loads (e.g. to hold a request back). */
  before?: (page: Page) => Promise<void>,
): Promise<{ page: Page; problems: string[] }> {
  // The screens stand where the deployment is (its TIMEZONE, China's by default), whatever this machine's zone.
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, timezoneId: 'Asia/Shanghai' })
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: new URL(url).origin, httpOnly: true, sameSite: 'Strict' }])
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`))
  // Nothing may leave the machine: any request to another host is a failure.
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url())
    if (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue()
    problems.push(`outside request: ${u.href}`)
    return route.abort()
  })
  await before?.(page)
  await page.goto(url)
  return { page, problems }
}

export function saveScreenshot(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  return path.join(ARTIFACTS, name)
}

/**
 * The real sample province with its simulators and back-filled history, as
 * the wall runs it (`options.now` sets the server's clock), once its first
 * compaction has run: timings in the tests are for a settled server. Fails
 * at once when the client is not built.
 */
export async function startProvinceServer(options: StartOptions = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('the client is not built: npm test builds it first (npm run build)')
  // Simulators on: a live province (with them off, every feed would go stale and raise its alert).
  const server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data'), SIMULATE: '1', BACKFILL: '1', TICK_MS: '500' }, options)
  await server.regionSeries.runOnce()
  return server
}

/**
 * Chromium and a server started side by side (the browser starts while the
 * server opens its storage), for the console's suites: the sample catalog
 * unless `env` names another. Fails at once when the client is not built.
 */
export async function startServerAndBrowser(env: Record<string, string> = {}): Promise<{ server: TestServer; browser: Browser }> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist/client/index.html'))) throw new Error('the client is not built: npm test builds it first (npm run build)')
  const launching = launchBrowser()
  let server: TestServer
  try {
    server = await startTestServer({ CATALOG_DIR: path.join(REPO_ROOT, 'sample-data'), ...env })
  } catch (err) {
    await (await launching).close()
    throw err
  }
  return { server, browser: await launching }
}
