import type { FastifyInstance, LightMyRequestResponse } from "fastify";

export interface ApiResponse {
  status: number;
  headers: Record<string, unknown>;
  body: any;
  raw: LightMyRequestResponse;
}

/** A JSON API client over `app.inject`: a token (or none), JSON in and out, no cookies. */
export class ApiClient {
  constructor(
    readonly app: FastifyInstance,
    readonly token?: string,
  ) {}

  async request(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const all: Record<string, string> = { ...headers };
    if (this.token) all.authorization = `Bearer ${this.token}`;
    if (body !== undefined && typeof body !== "string") all["content-type"] ??= "application/json";
    const raw = await this.app.inject({ method, url: `/api/v1${path}`, headers: all, payload: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
    const type = String(raw.headers["content-type"] ?? "");
    return { status: raw.statusCode, headers: raw.headers, body: /json/.test(type) && raw.body ? JSON.parse(raw.body) : raw.body, raw };
  }
  get(path: string) {
    return this.request("GET", path);
  }
  post(path: string, body: unknown = {}) {
    return this.request("POST", path, body);
  }
  patch(path: string, body: unknown) {
    return this.request("PATCH", path, body);
  }
  delete(path: string) {
    return this.request("DELETE", path);
  }
}

/** A complete, valid work for POST /api/v1/works, to override field by field. */
export function apiWork(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: "A Test of Tides",
    rating: "General Audiences",
    warnings: ["No Archive Warnings Apply"],
    fandoms: ["Original Work"],
    characters: ["Mira Okonkwo"],
    summary: "A keeper and a storm.",
    chapter: { content: "The lamp turned all night.\n\nBy morning the sea was glass." },
    ...overrides,
  };
}
