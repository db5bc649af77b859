//! Writing a build's result: to stdout, or to a file or directory (`-o`).
