import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/api';
import { session } from './session';

export type Booking = components['schemas']['BookingDto'];
export type ManagedBooking = components['schemas']['ManagedBookingDto'];
export type EventType = components['schemas']['EventTypeDto'];
export type BookingField = EventType['bookingFields'][number];
export type User = components['schemas']['UserDto'];
export type AuditEntry = components['schemas']['AuditPageDto']['data'][number];
export type Slot = components['schemas']['SlotListDto']['data'][number];
export type CreateBooking = components['schemas']['CreateBookingDto'];

/** The gateway's API on this origin, typed by the types generated from its OpenAPI document. */
export const api = createClient<paths>({ baseUrl: '/' });

/**
 * Sends the signed-in user's access token, refreshed first when it is about to expire (access
 * tokens live minutes); a GET answered 401 anyway is retried once after a refresh.
 */
const signedIn: Middleware = {
  async onRequest({ request }) {
    if (request.url.includes('/api/v1/auth/')) return request;
    let tokens = session.tokens();
    if (tokens && session.expiresSoon(tokens)) tokens = await session.refresh();
    if (tokens) request.headers.set('Authorization', `Bearer ${tokens.accessToken}`);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 || request.method !== 'GET') return response;
    if (request.url.includes('/api/v1/auth/') || !session.tokens()) return response;
    const renewed = await session.refresh();
    if (!renewed) return response;
    const headers = new Headers(request.headers);
    headers.set('Authorization', `Bearer ${renewed.accessToken}`);
    return fetch(request.url, { method: 'GET', headers });
  },
};
api.use(signedIn);

/** The same API without the signed-in user's token: guests book and manage anonymously. */
export const publicApi = createClient<paths>({ baseUrl: '/' });
