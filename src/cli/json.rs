//! `json` (the model as JSON) and `schema` (the JSON Schema of the model format), for tools
//! that cannot read RON (`docs/model-format.md` §8).

use std::path::Path;

use anyhow::Result;

use super::{load_valid_model, print_stdout, write_out};
use crate::format::{model_schema, model_to_json};

/// Writes the model as JSON to `out`, or to standard output. A model with errors is refused, as
/// `score` refuses it: what is written is a model mql-studio would score, and it validates
/// against the schema.
pub(super) fn json_command(model: &Path, out: Option<&Path>) -> Result<i32> {
    let model = load_valid_model(model)?;
    write_text(&model_to_json(&model)?, out)?;
    Ok(0)
}

/// Writes the JSON Schema of the model format to `out`, or to standard output.
pub(super) fn schema_command(out: Option<&Path>) -> Result<i32> {
    write_text(&model_schema(), out)?;
    Ok(0)
}

fn write_text(text: &str, out: Option<&Path>) -> Result<()> {
    match out {
        Some(_) => write_out(out, |w| w.write_all(text.as_bytes())),
        // The JSON holds no control character (they are escaped as JSON escapes them), so
        // printing it through the terminal guard leaves it as it is.
        None => print_stdout(text),
    }
}
