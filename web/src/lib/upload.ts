// Multipart uploads go through XMLHttpRequest because fetch cannot report upload progress.
// Same auth as the API client: bearer token, one silent refresh on `token_expired`.
import { toFailure } from '../api/problem'
import { getAccessToken, refreshSession } from '../api/session'

export interface UploadOptions {
  method?: 'POST' | 'PUT'
  onProgress?: (fraction: number) => void
  signal?: AbortSignal
}

function send(url: string, form: FormData, opts: UploadOptions): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(opts.method ?? 'POST', url)
    const token = getAccessToken()
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`)
    xhr.responseType = 'text'
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) opts.onProgress?.(e.loaded / e.total)
    })
    xhr.addEventListener('load', () => {
      let body: unknown
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        body = null
      }
      resolve({ status: xhr.status, body })
    })
    xhr.addEventListener('error', () => reject(new TypeError('network')))
    xhr.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
    opts.signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(form)
  })
}

/** Sends the form; resolves with the JSON body, or throws a Failure worded from problem details. */
export async function upload<T>(url: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  let res: { status: number; body: unknown }
  try {
    res = await send(url, form, opts)
    const code = (res.body as { code?: string } | null)?.code
    if (res.status === 401 && code === 'token_expired' && (await refreshSession())) {
      res = await send(url, form, opts)
    }
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw toFailure(e)
  }
  if (res.status >= 200 && res.status < 300) return res.body as T
  throw toFailure(res.body, res.status)
}
