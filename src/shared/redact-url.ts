/** A URL without its password (`scheme://user:***@host`), for messages and logs. */
export function redactUrlPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
