// A local SMTP sink for development (scripts/up.sh starts it when SMTP_URL is not set): it
// accepts every mail and appends it, as sent, to one mbox file (mboxrd: a `From ` line before
// each mail, and a body line starting with `From ` quoted as `>From `). Mail clients open it
// (`mutt -f`, Thunderbird's import); `grep` finds a mail in it. One append per mail: a file per
// mail cost a file creation each, most of the sink's CPU.
//
//   node scripts/mail-sink.js <port> <mbox file>
const fs = require('node:fs');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { SMTPServer } = require('smtp-server');

const [port = '1025', file = '.run/mail.mbox'] = process.argv.slice(2);
fs.mkdirSync(path.dirname(file), { recursive: true });
const mbox = fs.openSync(file, 'a');

// The asctime-style date (UTC) of an mbox `From ` line, e.g. `Sun Dec  6 18:55:00 2026`.
function asctime(date) {
  const [weekday, day, month, year, time] = date.toUTCString().split(' ');
  return `${weekday.slice(0, 3)} ${month} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
}

const server = new SMTPServer({
  authOptional: true,
  // nodemailer would upgrade to TLS against this server's self-signed certificate.
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const sender = session.envelope.mailFrom?.address || 'MAILER-DAEMON';
      // latin1 maps each byte to one character and back: the mail is written byte for byte.
      const body = Buffer.concat(chunks)
        .toString('latin1')
        .replace(/^(>*From )/gm, '>$1');
      const entry = `From ${sender} ${asctime(new Date())}\n${body}${body.endsWith('\n') ? '' : '\n'}\n`;
      fs.write(mbox, entry, null, 'latin1', (error) => callback(error ?? null));
    });
  },
});

server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`mail sink on smtp://127.0.0.1:${port}, appending to ${file}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
