# Multi-stage build: a Rust toolchain builds the release binary; the runtime image holds only
# that binary and runs it as an unprivileged user against the PostgreSQL named by DATABASE_URL.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY crates ./crates
COPY migrations ./migrations
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home coopapi
COPY --from=build /src/target/release/coopapi /usr/local/bin/coopapi
USER coopapi
# Inside a container the database is a separate service: no embedded cluster.
ENV BIND=0.0.0.0 \
    PORT=8080 \
    RUST_LOG=info \
    REQUIRE_DATABASE_URL=true
EXPOSE 8080
# Ready when the database answers through the pool (`GET /readyz`, asked by the binary: the
# image has no HTTP client).
HEALTHCHECK --interval=10s --timeout=4s --start-period=30s --retries=3 CMD ["coopapi", "ready"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["coopapi"]
CMD ["serve"]
