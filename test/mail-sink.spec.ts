import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { freePort } from '../libs/testing/src/ports';

/** The development mail sink (scripts/mail-sink.js), as scripts/up.sh starts it. */
describe('the mail sink', () => {
  let sink: ChildProcess;
  let dir: string;
  let mbox: string;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mail-sink-'));
    mbox = join(dir, 'run', 'mail.mbox');
    port = await freePort();
    sink = spawn(process.execPath, ['scripts/mail-sink.js', String(port), mbox], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      sink.once('exit', (code) => reject(new Error(`the sink exited with ${code}`)));
      sink.stdout!.once('data', () => resolve());
    });
  });

  afterAll(() => {
    sink?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  /** The mails of an mboxrd file, each as it was sent. */
  function mails(): Buffer[] {
    const text = readFileSync(mbox, 'latin1');
    return text
      .split(/^From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n/m)
      .slice(1)
      .map((entry) =>
        Buffer.from(entry.replace(/\n$/, '').replace(/^>(>*From )/gm, '$1'), 'latin1'),
      );
  }

  it('appends each mail, as sent, to one mbox file', async () => {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false });
    const text = 'Hello Zoë,\nFrom now on, this line starts with From.\n>From a quoted line.\n';
    await transport.sendMail({
      from: 'Slotbook <no-reply@slotbook.test>',
      to: 'Zoë <zoe@slotbook.test>',
      subject: 'Booked: Intro ✓',
      text,
      textEncoding: 'quoted-printable',
    });
    await transport.sendMail({
      from: 'Slotbook <no-reply@slotbook.test>',
      to: 'hana@slotbook.test',
      subject: 'New booking: Intro',
      text: 'Second.\n',
    });
    transport.close();

    expect(readFileSync(mbox, 'latin1')).toMatch(/^From no-reply@slotbook\.test \w{3} \w{3} /);
    const [first, second, ...rest] = await Promise.all(mails().map((raw) => simpleParser(raw)));
    expect(rest).toHaveLength(0);
    expect(first).toMatchObject({ subject: 'Booked: Intro ✓', text });
    expect(first!.to).toMatchObject({ value: [{ name: 'Zoë', address: 'zoe@slotbook.test' }] });
    expect(second).toMatchObject({ subject: 'New booking: Intro', text: 'Second.\n' });
  });
});
