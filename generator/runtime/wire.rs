//! Wire-format helpers for the generated types: open enums and open unions.
//! Kept here so each generated type stays a few lines of dispatch.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// Reads a string, for open string enums.
pub(crate) fn string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    <String as serde::Deserialize>::deserialize(deserializer)
}

/// The discriminator value of a tagged union's JSON object, if it has one.
pub(crate) fn tag_of(value: &Value, tag: &str) -> Option<String> {
    value.get(tag).and_then(Value::as_str).map(str::to_owned)
}

/// Decodes a tagged variant's payload from the whole object; the payload
/// type has no tag field and ignores it.
pub(crate) fn payload<T: DeserializeOwned, E: serde::de::Error>(value: &Value) -> Result<T, E> {
    T::deserialize(value).map_err(E::custom)
}

/// Tries an untagged union's variant.
pub(crate) fn try_payload<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Writes a tagged variant: the tag first, then the payload's fields.
pub(crate) fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: Option<&T>,
) -> Result<S::Ok, S::Error> {
    let mut object = Map::new();
    object.insert(tag.to_owned(), Value::String(value.to_owned()));
    if let Some(payload) = payload {
        match serde_json::to_value(payload).map_err(S::Error::custom)? {
            Value::Object(fields) => object.extend(fields.into_iter().filter(|(k, _)| k != tag)),
            _ => return Err(S::Error::custom("a tagged union variant must serialize to a JSON object")),
        }
    }
    object.serialize(serializer)
}
