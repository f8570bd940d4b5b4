import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { BodySplitter, isGzip, RawBody } from './domain/input-format';

/**
 * The bodies of one archive file as it streams in (gzip or not, told by its first bytes), in
 * blocks, with the bytes of the file read so far for the progress bar.
 */
export async function* readBodies(path: string): AsyncGenerator<{ bodies: RawBody[]; bytesRead: number }> {
  const head = Buffer.alloc(2);
  const handle = await open(path, 'r');
  try {
    await handle.read(head, 0, 2, 0);
  } finally {
    await handle.close();
  }
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const text = isGzip(head) ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  file.on('error', (error) => text.destroy(error));
  const decoder = new StringDecoder('utf8');
  const splitter = new BodySplitter();
  for await (const chunk of text as AsyncIterable<Buffer>) {
    yield { bodies: splitter.push(decoder.write(chunk)), bytesRead: file.bytesRead };
  }
  yield { bodies: [...splitter.push(decoder.end()), ...splitter.end()], bytesRead: file.bytesRead };
}
