export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface ApiRequest {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed JSON); takes precedence over `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A thin HTTP client for the gateway's API; responses are parsed when they are JSON. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    request: ApiRequest = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let body: string | undefined;
    if (request.rawBody !== undefined) body = request.rawBody;
    else if (request.body !== undefined) body = JSON.stringify(request.body);
    if (
      body !== undefined &&
      !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
    ) {
      headers['content-type'] = 'application/json';
    }
    const url = path.startsWith('http')
      ? path
      : `${this.baseUrl}${path.startsWith('/health') || path.startsWith('/docs') || path === '/metrics' ? '' : '/api/v1'}${path}`;
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.includes('json') && text.length > 0) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, request?: ApiRequest) {
    return this.request<T>('GET', path, request);
  }
  post<T = any>(path: string, request?: ApiRequest) {
    return this.request<T>('POST', path, request);
  }
  patch<T = any>(path: string, request?: ApiRequest) {
    return this.request<T>('PATCH', path, request);
  }
  delete<T = any>(path: string, request?: ApiRequest) {
    return this.request<T>('DELETE', path, request);
  }

  /** Registers (if needed) and logs in; returns the user and a token pair. */
  async signUp(input: { email: string; password?: string; name?: string; role?: 'USER' | 'HOST' }) {
    const password = input.password ?? 'correct-horse-battery';
    const registered = await this.post('/auth/register', {
      body: {
        email: input.email,
        password,
        name: input.name ?? input.email.split('@')[0],
        ...(input.role ? { role: input.role } : {}),
      },
    });
    if (registered.status !== 201)
      throw new Error(`register failed: ${registered.status} ${registered.text}`);
    const tokens = await this.login(input.email, password);
    return { user: registered.body, password, ...tokens };
  }

  async login(
    email: string,
    password: string,
  ): Promise<{ accessToken: string; refreshToken: string }> {
    const response = await this.post('/auth/login', { body: { email, password } });
    if (response.status !== 200)
      throw new Error(`login failed: ${response.status} ${response.text}`);
    return response.body;
  }
}

/** A unique email for one test. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@slotbook.test`;
}
