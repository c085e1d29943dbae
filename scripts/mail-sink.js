// A local SMTP sink for development (scripts/up.sh starts it when SMTP_URL is not set): it
// accepts every mail and writes it, as sent, to one .eml file each in a directory. Any mail
// client opens them; `grep -l` finds one.
//
//   node scripts/mail-sink.js <port> <directory>
const fs = require('node:fs');
const path = require('node:path');
const { Buffer } = require('node:buffer');
const { SMTPServer } = require('smtp-server');

const [port = '1025', directory = '.run/mail'] = process.argv.slice(2);
fs.mkdirSync(directory, { recursive: true });
let count = 0;

const server = new SMTPServer({
  authOptional: true,
  // nodemailer would upgrade to TLS against this server's self-signed certificate.
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      count += 1;
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(directory, `${stamp}-${count}.eml`);
      fs.writeFile(file, Buffer.concat(chunks), (error) => callback(error ?? null));
    });
  },
});

server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`mail sink on smtp://127.0.0.1:${port}, writing to ${directory}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
