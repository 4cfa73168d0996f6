// `embed_migrations!` reads the migrations directory at compile time, but cargo only knows
// about the crate's own sources: without this, a new or edited migration would not reach the
// binary until something else in the crate changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
