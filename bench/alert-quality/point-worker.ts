import { parentPort, workerData } from 'node:worker_threads'
import { chunkOf, seriesIds, seriesTable, simulatorsFor, type SimulationSetup } from './point-chunks'

/** Generates chunks of live points on request, off the thread that runs the engine. */

const simulators = simulatorsFor(workerData as SimulationSetup)
const ids = seriesIds(seriesTable(simulators))
parentPort!.on('message', (m: { from: number; to: number }) => {
  const chunk = chunkOf(simulators, ids, m.from, m.to)
  parentPort!.postMessage(chunk, [chunk.series.buffer as ArrayBuffer, chunk.ts.buffer as ArrayBuffer, chunk.value.buffer as ArrayBuffer])
})
