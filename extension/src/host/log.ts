// The "Go Trace" output channel: the server's stderr and the extension's own events, one timestamped line each.
import * as vscode from 'vscode';
import type { Logger, LogLevel } from './serverClient';

const ORDER: LogLevel[] = ['debug', 'info', 'warning', 'error', 'off'];

export class OutputLogger implements Logger, vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Go Trace');

  log(level: Exclude<LogLevel, 'off'>, message: string): void {
    const min = currentLogLevel();
    if (ORDER.indexOf(level) < ORDER.indexOf(min)) return;
    const t = new Date().toISOString().slice(11, 23);
    this.channel.appendLine(`${t} ${level.padEnd(7)} ${message}`);
  }

  info(m: string): void { this.log('info', m); }
  warn(m: string): void { this.log('warning', m); }
  error(m: string): void { this.log('error', m); }
  debug(m: string): void { this.log('debug', m); }

  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }
}

export function currentLogLevel(): LogLevel {
  const v = vscode.workspace.getConfiguration('gotrace').get<string>('server.logLevel', 'info');
  return (ORDER as string[]).includes(v) ? (v as LogLevel) : 'info';
}
