//! Splitting an import's body into numbered lines as its chunks arrive, holding one line at
//! a time.

use super::MAX_LINE_BYTES;

/// A line of the body.
#[derive(Debug, PartialEq)]
pub(super) enum Line {
    Blank,
    TooLong(u64),
    Text(u64, Vec<u8>),
}

/// Splits chunks into lines, holding at most one line (and [`MAX_LINE_BYTES`]) at a time.
#[derive(Default)]
pub(super) struct Lines {
    /// The number of the last line completed.
    pub(super) number: u64,
    partial: Vec<u8>,
    /// The current line is too long: its bytes are skipped up to its end.
    skipping: bool,
}

impl Lines {
    /// The lines this chunk completes.
    pub(super) fn feed(&mut self, mut chunk: &[u8]) -> Vec<Line> {
        let mut lines = Vec::new();
        while let Some(end) = chunk.iter().position(|&b| b == b'\n') {
            self.take(&chunk[..end]);
            lines.push(self.complete());
            chunk = &chunk[end + 1..];
        }
        self.take(chunk);
        lines
    }

    /// The last line, when the body does not end with a newline.
    pub(super) fn finish(&mut self) -> Vec<Line> {
        if self.partial.is_empty() && !self.skipping {
            return Vec::new();
        }
        vec![self.complete()]
    }

    fn take(&mut self, bytes: &[u8]) {
        if self.skipping {
            return;
        }
        if self.partial.len() + bytes.len() > MAX_LINE_BYTES {
            self.skipping = true;
            self.partial = Vec::new();
            return;
        }
        self.partial.extend_from_slice(bytes);
    }

    fn complete(&mut self) -> Line {
        self.number += 1;
        if std::mem::take(&mut self.skipping) {
            return Line::TooLong(self.number);
        }
        let text = std::mem::take(&mut self.partial);
        if text.iter().all(u8::is_ascii_whitespace) {
            Line::Blank
        } else {
            Line::Text(self.number, text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_across_chunks_and_numbered_with_blank_ones() {
        let mut lines = Lines::default();
        let mut all = lines.feed(b"{\"a\":1}\n\n{\"b\"");
        all.extend(lines.feed(b":2}\r\n  \n{\"c\":3}"));
        all.extend(lines.finish());
        assert_eq!(
            all,
            [
                Line::Text(1, b"{\"a\":1}".to_vec()),
                Line::Blank,
                Line::Text(3, b"{\"b\":2}\r".to_vec()),
                Line::Blank,
                Line::Text(5, b"{\"c\":3}".to_vec()),
            ]
        );
    }

    #[test]
    fn a_line_too_long_is_reported_and_skipped_without_being_kept() {
        let mut lines = Lines::default();
        let long = vec![b'x'; MAX_LINE_BYTES];
        let mut all = lines.feed(&long);
        all.extend(lines.feed(b"xx"));
        assert!(lines.partial.is_empty(), "the long line is not kept");
        all.extend(lines.feed(b"x\n{}\n"));
        all.extend(lines.finish());
        assert_eq!(all, [Line::TooLong(1), Line::Text(2, b"{}".to_vec())]);
    }
}
