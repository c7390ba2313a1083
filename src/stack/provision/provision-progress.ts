/** Progress of a runtime download, so a command can drive a spinner without the provisioner knowing terminals. */
export type ProvisionProgress =
  | {
      readonly kind: 'download'
      readonly what: string
      readonly bytes: number
      readonly total: number | undefined
    }
  | { readonly kind: 'extract'; readonly what: string; readonly bytes: number; readonly total: number }
  | { readonly kind: 'note'; readonly message: string }

export function describeProgress(progress: Exclude<ProvisionProgress, { kind: 'note' }>): string {
  const verb = progress.kind === 'download' ? 'downloading' : 'unpacking'
  const done = megabytes(progress.bytes)
  if (progress.total === undefined || progress.total === 0) return `${verb} ${progress.what}: ${done} MB`
  const percent = Math.min(100, Math.floor((progress.bytes / progress.total) * 100))
  return `${verb} ${progress.what}: ${done} / ${megabytes(progress.total)} MB (${percent}%)`
}

function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1)
}
