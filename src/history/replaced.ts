/**
 * Which file a write of the history replaces. Its own module so that the lock (edited for other
 * reasons too) only needs one import from it.
 */
import { rt } from "../core/runtime.ts";

/**
 * The file a write of the history replaces: the history itself, or the file it links to (writes
 * replace that, keeping the link). Its lock and the writes' temporary files are beside it, so that
 * two runs reaching one history through different names still exclude each other.
 */
export function replacedFile(historyFile: string): string {
  // (a name that is no link is kept as it is: messages show the name the user gave)
  return rt().lstat(historyFile)?.isSymbolicLink ? rt().writeTarget(historyFile).path : historyFile;
}
