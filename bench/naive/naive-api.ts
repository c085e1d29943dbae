/**
 * The naive booking API of issue 16's comparison: what a developer writes in an afternoon with
 * Express and mongoose, as the yardstick Slotbook's creates/s and CPU per create are held
 * against. It answers the requests `/work/shared/tools/cost/load.mjs` makes of Slotbook, under
 * the same paths, so the same load generator drives both:
 *
 *   POST /api/v1/auth/register   store the user (201)
 *   POST /api/v1/auth/login      { accessToken } where the token is the user's id
 *   GET  /api/v1/users/me        the user of the bearer token
 *   POST /api/v1/availability    store the range as it came (201)
 *   POST /api/v1/bookings        find the user by token, insert the booking, $push its id onto
 *                                the user (201): no availability check, no overlap guard, no
 *                                events, no lock, no idempotency
 *
 *   PORT=3100 MONGO_URL=mongodb://127.0.0.1:27017 NAIVE_DB=naive_bench NAIVE_RESET=1 \
 *     npx tsx --tsconfig tsconfig.spec.json bench/naive/naive-api.ts
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import mongoose, { Schema, Types } from 'mongoose';
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const config = {
  port: Number(process.env.PORT ?? 3100),
  mongoUrl: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
  database: process.env.NAIVE_DB ?? 'naive_bench',
  /** NAIVE_RESET=1 drops the database at start, so that every comparison starts empty. */
  reset: process.env.NAIVE_RESET === '1',
};

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
) => Promise<Buffer>;

const userSchema = new Schema({
  email: { type: String, required: true, unique: true },
  passwordHash: { type: Buffer, required: true },
  passwordSalt: { type: Buffer, required: true },
  name: { type: String, required: true },
  role: { type: String, enum: ['USER', 'HOST'], default: 'USER' },
  bookings: [{ type: Schema.Types.ObjectId, ref: 'Booking' }],
});
const availabilitySchema = new Schema(
  {
    hostId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    startTime: { type: Date, required: true },
    endTime: { type: Date, required: true },
    slotDuration: { type: Number, required: true },
  },
  { timestamps: true },
);
const bookingSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    hostId: { type: String, required: true },
    startTime: { type: Date, required: true },
    status: { type: String, default: 'confirmed' },
  },
  { timestamps: true },
);

const User = mongoose.model('User', userSchema);
const Availability = mongoose.model('Availability', availabilitySchema);
const Booking = mongoose.model('Booking', bookingSchema);

type UserDocument = InstanceType<typeof User>;

const publicUser = (user: UserDocument) => ({
  id: user.id as string,
  email: user.email,
  name: user.name,
  role: user.role,
});

/** The bearer token is the user's id; the user is read from the database on every request. */
async function authenticate(req: Request, res: Response): Promise<UserDocument | null> {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const user = token && Types.ObjectId.isValid(token) ? await User.findById(token) : null;
  if (!user) res.status(401).json({ message: 'unauthorized' });
  return user;
}

const isDate = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

const app = express();
app.use(express.json());

app.post('/api/v1/auth/register', async (req, res) => {
  const { email, password, name, role } = req.body ?? {};
  if (typeof email !== 'string' || typeof password !== 'string' || typeof name !== 'string') {
    res.status(400).json({ message: 'email, password and name are required' });
    return;
  }
  if (await User.exists({ email })) {
    res.status(409).json({ message: 'email already registered' });
    return;
  }
  const passwordSalt = randomBytes(16);
  const passwordHash = await scrypt(password, passwordSalt, 32);
  const user = await User.create({ email, passwordHash, passwordSalt, name, role });
  res.status(201).json(publicUser(user));
});

app.post('/api/v1/auth/login', async (req, res) => {
  const { email, password } = req.body ?? {};
  const user = typeof email === 'string' ? await User.findOne({ email }) : null;
  const hash =
    user && typeof password === 'string' ? await scrypt(password, user.passwordSalt, 32) : null;
  if (!user || !hash || !timingSafeEqual(hash, user.passwordHash)) {
    res.status(401).json({ message: 'invalid credentials' });
    return;
  }
  res.json({ accessToken: user.id, tokenType: 'Bearer' });
});

app.get('/api/v1/users/me', async (req, res) => {
  const user = await authenticate(req, res);
  if (user) res.json(publicUser(user));
});

app.post('/api/v1/availability', async (req, res) => {
  const user = await authenticate(req, res);
  if (!user) return;
  const { startTime, endTime, slotDuration } = req.body ?? {};
  if (!isDate(startTime) || !isDate(endTime) || typeof slotDuration !== 'number') {
    res.status(400).json({ message: 'startTime, endTime and slotDuration are required' });
    return;
  }
  const range = await Availability.create({ hostId: user._id, startTime, endTime, slotDuration });
  res.status(201).json(range);
});

app.post('/api/v1/bookings', async (req, res) => {
  const user = await authenticate(req, res);
  if (!user) return;
  const { hostId, startTime } = req.body ?? {};
  if (typeof hostId !== 'string' || !isDate(startTime)) {
    res.status(400).json({ message: 'hostId and startTime are required' });
    return;
  }
  const booking = await Booking.create({ userId: user._id, hostId, startTime });
  await User.updateOne({ _id: user._id }, { $push: { bookings: booking._id } });
  res.status(201).json(booking);
});

app.get('/api/v1/health', (_req, res) => {
  res.json({ status: mongoose.connection.readyState === 1 ? 'ok' : 'down' });
});

// Express 5 hands rejected promises of async handlers to the error handler.
app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  console.error(err);
  res.status(500).json({ message: 'internal error' });
});

async function main(): Promise<void> {
  await mongoose.connect(config.mongoUrl, { dbName: config.database, autoIndex: false });
  if (config.reset) await mongoose.connection.dropDatabase();
  await User.createIndexes();
  const server = app.listen(config.port, '127.0.0.1', () => {
    console.log(`naive API on http://127.0.0.1:${config.port} (database ${config.database})`);
  });
  const stop = () => {
    server.close(() => void mongoose.disconnect().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
