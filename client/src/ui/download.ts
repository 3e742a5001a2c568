/** Saves a file through a temporary link (the browser's download, with a file name). */
export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  downloadUrl(url, fileName)
  // The download has started by the next task; the URL only needs to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
