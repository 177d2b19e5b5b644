//! `$ref` resolution within one document.

use indexmap::IndexMap;
use openapiv3::{Components, Header, Parameter, ReferenceOr, RequestBody, Response, Schema};

use super::Lowerer;

/// An object that may live in `components` and be referenced.
pub(super) trait Component: Sized + 'static {
    /// Where in the document references to this kind point.
    const PREFIX: &'static str;
    fn table(components: &Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const PREFIX: &'static str = "#/components/schemas/";
    fn table(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.schemas
    }
}

impl Component for Parameter {
    const PREFIX: &'static str = "#/components/parameters/";
    fn table(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.parameters
    }
}

impl Component for RequestBody {
    const PREFIX: &'static str = "#/components/requestBodies/";
    fn table(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.request_bodies
    }
}

impl Component for Response {
    const PREFIX: &'static str = "#/components/responses/";
    fn table(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.responses
    }
}

impl Component for Header {
    const PREFIX: &'static str = "#/components/headers/";
    fn table(c: &Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &c.headers
    }
}

/// The component key a local reference names, unescaped (RFC 6901).
pub(super) fn key<T: Component>(reference: &str) -> Option<String> {
    reference
        .strip_prefix(T::PREFIX)
        .filter(|k| !k.contains('/'))
        .map(|k| k.replace("~1", "/").replace("~0", "~"))
}

impl<'a> Lowerer<'a> {
    /// Follows `$ref`s (a bounded number, so cycles end) to the item, and
    /// records an error at `pointer` when a reference cannot be resolved.
    pub(super) fn resolve<T: Component>(
        &mut self,
        item: &'a ReferenceOr<T>,
        pointer: &str,
    ) -> Option<&'a T> {
        let spec = self.spec;
        let mut item = item;
        for _ in 0..64 {
            let reference = match item {
                ReferenceOr::Item(t) => return Some(t),
                ReferenceOr::Reference { reference } => reference,
            };
            let target = key::<T>(reference)
                .and_then(|k| spec.components.as_ref().and_then(|c| T::table(c).get(&k)));
            match target {
                Some(next) => item = next,
                None => {
                    self.error(pointer, unresolved(reference, T::PREFIX));
                    return None;
                }
            }
        }
        self.error(pointer, "this `$ref` chain never ends (the references form a cycle)");
        None
    }
}

/// Explains why a reference did not resolve.
pub(super) fn unresolved(reference: &str, prefix: &str) -> String {
    if !reference.starts_with('#') {
        format!(
            "external reference `{reference}` is not supported; \
             bundle the spec into one file first (e.g. `redocly bundle`)"
        )
    } else if !reference.starts_with(prefix) {
        format!("reference `{reference}` should point into `{prefix}`")
    } else {
        format!("reference `{reference}` names a component that does not exist")
    }
}
