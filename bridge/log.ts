import pino from 'pino';
import pretty from 'pino-pretty';

export function createLogger(level: string, format: 'text' | 'json'): pino.Logger {
  if (format === 'json') return pino({ level });
  // Synchronous pretty printing keeps log lines in order with the process's exit.
  return pino({ level }, pretty({ sync: true, colorize: false, translateTime: 'SYS:standard', ignore: 'pid,hostname' }));
}
