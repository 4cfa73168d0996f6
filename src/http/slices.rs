//! Large response bodies go out in slices. actix-web copies a body item whole into the
//! connection's write buffer, and the buffer keeps its largest size while the connection
//! lives: 64 keep-alive connections that each carried a 150 KB feed page hold 11.5 MB (more
//! than half the service's heap at its peak). As views of at most [`SLICE`] bytes into the
//! same buffer (no copy), a body fills the write buffer up to its flush size (32 KiB) and one
//! slice at most.

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

/// The largest piece of a body handed to the connection at once.
pub const SLICE: usize = 16 * 1024;

/// Bodies up to the write buffer's flush size go whole (a list page, about 22 KB, among them):
/// slicing them would only add work.
pub const WHOLE: usize = 32 * 1024;

/// Middleware, inside the access log (whose body wrapper hides whether a body is whole): a
/// whole body longer than [`WHOLE`] is sent in slices, with the same length
/// (`Content-Length`); streamed bodies are left as they are.
pub async fn send_in_slices(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    Ok(response.map_body(|_, body| match body.try_into_bytes() {
        Ok(bytes) if bytes.len() > WHOLE => Slices::new(bytes).boxed(),
        Ok(bytes) => bytes.boxed(),
        Err(body) => body.boxed(),
    }))
}

/// A whole body, yielded a slice at a time.
pub struct Slices {
    rest: Bytes,
    length: u64,
}

impl Slices {
    pub fn new(bytes: Bytes) -> Self {
        Slices {
            length: bytes.len() as u64,
            rest: bytes,
        }
    }
}

impl MessageBody for Slices {
    type Error = std::convert::Infallible;

    fn size(&self) -> BodySize {
        BodySize::Sized(self.length)
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let take = self.rest.len().min(SLICE);
        Poll::Ready(Some(Ok(self.rest.split_to(take))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_body_comes_back_whole_in_slices_with_its_length() {
        let body: Vec<u8> = (0..(SLICE * 3 + 5)).map(|i| (i % 251) as u8).collect();
        let slices = Slices::new(Bytes::from(body.clone()));
        assert_eq!(slices.size(), BodySize::Sized(body.len() as u64));
        let mut slices = std::pin::pin!(slices);
        let mut pieces = Vec::new();
        while let Some(piece) = std::future::poll_fn(|cx| slices.as_mut().poll_next(cx)).await {
            pieces.push(piece.unwrap());
        }
        assert_eq!(
            pieces.iter().map(Bytes::len).collect::<Vec<_>>(),
            [SLICE, SLICE, SLICE, 5]
        );
        assert_eq!(pieces.concat(), body);
    }
}
