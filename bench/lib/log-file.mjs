// Counting what a server wrote to its request log, to check that every request was logged.
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';

/** Number of newline-terminated lines in `file` (0 if it does not exist). */
export async function countLines(file) {
  let lines = 0;
  try {
    for await (const chunk of createReadStream(file)) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
    }
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  return lines;
}

/** Removes a log file once it has been counted; runs write hundreds of MB in total. */
export function removeLogFile(file) {
  return rm(file, { force: true });
}
