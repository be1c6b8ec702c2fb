import readline from 'node:readline';
import { MarqueeClient } from '@marquee/client';
import { type Command, opt, UsageError } from '../command.js';
import { readCredentials, saveCredentials } from '../credentials.js';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text.replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void };
    out._writeToOutput = (s: string) => {
      if (s.includes(question)) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

export const login: Command = {
  name: 'login',
  summary:
    'Log in to a Marquee server and save the token (mode 0600) for later commands. Either --username with a password (prompted, or --password-stdin), or an existing --token.',
  usage: 'login [--server URL] (--username NAME [--password-stdin] | --token TOKEN)',
  options: {
    server: opt('string', 'server URL (default: MARQUEE_URL, the saved server, or http://127.0.0.1:8080)'),
    username: opt('string', 'user name', 'u'),
    'password-stdin': opt('boolean', 'read the password from standard input'),
    token: opt('string', 'save this API token instead of logging in with a password'),
  },
  async run({ values }) {
    const server =
      (values.server as string | undefined) ??
      process.env.MARQUEE_URL ??
      readCredentials()?.server ??
      'http://127.0.0.1:8080';
    const client = new MarqueeClient({ baseUrl: server });
    let token = values.token as string | undefined;
    let username: string | undefined;
    if (token) {
      client.setToken(token);
      username = (await client.me()).username;
    } else {
      username = values.username as string | undefined;
      if (!username) throw new UsageError('give --username (or --token)');
      const password = values['password-stdin'] ? await readStdin() : await promptHidden('Password: ');
      token = (await client.login(username, password)).token;
    }
    const file = saveCredentials({ server, token, username });
    console.log(`Logged in to ${server} as ${username}; token saved in ${file}`);
    return 0;
  },
};
