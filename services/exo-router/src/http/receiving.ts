import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { RouterError } from '../errors.ts';
import { errorBody, flavourOf } from './error-body.ts';

// Requests whose body is still arriving. At shutdown they are answered at once: otherwise a
// client that sends less body than it announced keeps the process alive until the bound.

export interface ReceivingRequests {
  /** Answers every request still receiving its body with 503 shutting_down; returns how many. */
  refuseAll(message: string): number;
}

export function trackReceiving(server: Server): ReceivingRequests {
  const receiving = new Map<IncomingMessage, ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.complete) return;
    receiving.set(req, res);
    const forget = () => receiving.delete(req);
    req.once('end', forget);
    res.once('close', forget);
  });

  return {
    refuseAll(message) {
      let count = 0;
      for (const [req, res] of receiving) {
        if (req.complete || res.headersSent || res.destroyed) continue;
        const body = JSON.stringify(
          errorBody(new RouterError('shutting_down', message), flavourOf(req.url ?? '')),
        );
        res.writeHead(503, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
        });
        res.end(body);
        count++;
      }
      receiving.clear();
      return count;
    },
  };
}
