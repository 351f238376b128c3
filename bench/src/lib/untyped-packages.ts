/**
 * Typed entry points of the installed packages that ship no type declarations (express 5,
 * jsonwebtoken 9, autocannon 8). Declaring `declare module 'express'` instead would leak into the
 * root type-check, where packages/express uses the real @types/express, so each package is loaded
 * through `createRequire` and given the small shape the benchmark uses.
 */
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ExpressRequest {
  readonly headers: IncomingHttpHeaders;
}

export interface ExpressResponse {
  json(body: unknown): void;
}

/** Any middleware or route handler; `never` parameters accept every handler signature. */
export type ExpressHandler = (...args: never[]) => unknown;

export interface ExpressApp {
  set(setting: string, value: unknown): void;
  disable(setting: string): void;
  use(...handlers: ExpressHandler[]): void;
  get(path: string, ...handlers: ExpressHandler[]): void;
  listen(port: number, host: string, callback: () => void): Server;
}

export const express = require('express') as () => ExpressApp;

export interface JsonwebtokenVerifyOptions {
  algorithms: string[];
  issuer: string;
  audience: string;
}

export const jsonwebtoken = require('jsonwebtoken') as {
  verify(token: string, publicKeyPem: string, options: JsonwebtokenVerifyOptions): unknown;
};

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Called before each request; must return the request to send. */
  setupRequest?: (request: { headers?: Record<string, string> }) => object;
}

export interface AutocannonOptions {
  url: string;
  connections: number;
  /** Seconds. */
  duration: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}

/** Percentiles of an hdr-histogram, milliseconds for latency and requests per second for requests. */
export interface AutocannonHistogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly total: number;
}

export interface AutocannonResult {
  readonly requests: AutocannonHistogram;
  readonly latency: AutocannonHistogram;
  /** Seconds the run actually took. */
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
}

/** The running load: awaitable for the result, and an emitter of every response. */
export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  /** `responseTime` in fractional milliseconds (autocannon's own histogram keeps whole ones). */
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, responseBytes: number, responseTime: number) => void,
  ): void;
}

export const autocannon = require('autocannon') as (options: AutocannonOptions) => AutocannonInstance;
