// What a task printed, as a person reads it: without colours, and with consola's level label in
// one form, whether it wrote ` ERROR ` (a terminal) or `[error]` (CI=true, no terminal).
const LABEL = /^ ?(?:\[(error|warn|info|success|debug|fatal)\]|(ERROR|WARN|INFO|SUCCESS|DEBUG|FATAL)) +/gm

export const plainLog = (text: string) => text
  .replace(/\x1b\[[0-9;]*m/g, '')
  .replace(LABEL, (_, ci: string | undefined, tty: string | undefined) => `${(ci ?? tty)!.toUpperCase()}: `)
