//! Which success responses are items over time, and what one item is.
//!
//! A media type is sequential when it is `text/event-stream` (server-sent
//! events), `application/jsonl`, `application/x-ndjson`,
//! `application/x-jsonlines` (JSON Lines) or `application/json-seq` (RFC
//! 7464), or when OpenAPI 3.2 gives it an `itemSchema`. What one item is:
//!
//! 1. 3.2's `itemSchema`. For events it describes the event object: its
//!    `data` property is the item (its `contentSchema` when it has one,
//!    text when it is a string).
//! 2. Otherwise the media type's `schema`. An array is 3.2's "whole
//!    stream" form: its items are the items. For events, an object with a
//!    `data` property (and no properties beyond the event's fields) is the
//!    event object, read as in 1; anything else is one event's `data` as
//!    JSON, the way the LLM vendors write it; a string is text.
//! 3. No schema at all: events carry text, lines any JSON value.
//!
//! The request body's boolean property `stream` (the LLM APIs' switch) is
//! set by `send_stream()` and cleared by `send()`.

use openapiv3::{MediaType, ReferenceOr, Schema, SchemaKind, Type};

use super::Lowerer;
use super::schema::{Naming, ObjectParts, SchemaRef};
use crate::diag::join;
use crate::ir::{
    BodyKind, FieldAccess, Framing, ItemStream, RequestBody, StreamItem, TypeKind, TypeRef,
};

/// The event object's own fields: a schema with only these (and `data`) is
/// the event, not its data.
const EVENT_FIELDS: &[&str] = &["data", "event", "id", "retry"];

/// How a sequential media type is cut into items; `None` for one that is
/// not sequential.
pub(super) fn framing(media_type: &str) -> Option<Framing> {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "text/event-stream" => Some(Framing::Events),
        "application/jsonl"
        | "application/x-ndjson"
        | "application/x-jsonlines"
        | "application/jsonlines" => Some(Framing::Lines),
        "application/json-seq" => Some(Framing::Sequence),
        _ => None,
    }
}

impl<'a> Lowerer<'a> {
    /// The stream a success response offers: the first sequential media
    /// type among the success responses' content.
    pub(super) fn item_stream(
        &mut self,
        responses: &[(&'a openapiv3::Response, String)],
        body: Option<&RequestBody>,
        builder: &str,
    ) -> Option<ItemStream> {
        let (media_type, media, pointer) = responses.iter().find_map(|(r, pointer)| {
            r.content.iter().find_map(|(media_type, media)| {
                let sequential = framing(media_type).is_some() || self.item_schema(media).is_some();
                let at = join(&join(pointer, "content"), media_type);
                sequential.then_some((media_type, media, at))
            })
        })?;
        // A 3.2 `itemSchema` on another media type: its items are JSON.
        let framing = framing(media_type).unwrap_or(Framing::Lines);
        let hint = || {
            Naming::Hint(format!(
                "{builder}{}",
                if framing == Framing::Events { "Event" } else { "Item" }
            ))
        };
        let (item, how) = match (self.item_schema(media), &media.schema) {
            (Some(item), _) => {
                let at = join(&pointer, "itemSchema");
                if framing == Framing::Events {
                    (
                        self.event_data(item.into(), hint(), &at),
                        "the `itemSchema` (the event; its `data` is the item)",
                    )
                } else {
                    (self.item_of(item.into(), hint(), &at), "the `itemSchema`")
                }
            }
            (None, Some(schema)) => {
                let at = join(&pointer, "schema");
                let whole = self.array_item(schema.into(), &at);
                let (one, one_at) = match whole {
                    Some(item) => (item, join(&at, "items")),
                    None => (SchemaRef::from(schema), at),
                };
                if framing == Framing::Events && self.is_event_object(one, &one_at) {
                    (
                        self.event_data(one, hint(), &one_at),
                        "the schema is the event; its `data` is the item",
                    )
                } else if framing == Framing::Events {
                    (
                        self.item_of(one, hint(), &one_at),
                        "the schema is one event's `data`, as JSON",
                    )
                } else {
                    (self.item_of(one, hint(), &one_at), "the schema is one item")
                }
            }
            (None, None) if framing == Framing::Events => {
                (StreamItem::Text, "no schema: each event's data is text")
            }
            (None, None) => {
                (StreamItem::Json(TypeRef::Json), "no schema: each item is any JSON value")
            }
        };
        Some(ItemStream {
            media_type: media_type.clone(),
            framing,
            item,
            switch: body.and_then(|b| self.stream_switch(b)),
            how: how.to_string(),
        })
    }

    /// A request body of items sent as they are produced: JSON Lines or a
    /// JSON text sequence, or any media type with a 3.2 `itemSchema`; its
    /// item read as a response's is (an array `schema` is the whole
    /// stream).
    pub(super) fn request_items(
        &mut self,
        media_type: &str,
        media: &'a MediaType,
        builder: &str,
        pointer: &str,
    ) -> Option<BodyKind> {
        let item_schema = self.item_schema(media);
        let framing = match framing(media_type) {
            Some(f @ (Framing::Lines | Framing::Sequence)) => f,
            Some(Framing::Events) => return None,
            None if item_schema.is_some() => Framing::Lines,
            None => return None,
        };
        let hint = || Naming::Hint(format!("{builder}Item"));
        let item = match (item_schema, &media.schema) {
            (Some(item), _) => self.schema_type(item.into(), hint(), &join(pointer, "itemSchema")),
            (None, Some(schema)) => {
                let at = join(pointer, "schema");
                match self.array_item(schema.into(), &at) {
                    Some(item) => self.schema_type(item, hint(), &join(&at, "items")),
                    None => self.schema_type(schema.into(), hint(), &at),
                }
            }
            (None, None) => TypeRef::Json,
        };
        Some(BodyKind::Items { framing, item })
    }

    /// 3.2's `itemSchema`, which loading keeps beside the document.
    fn item_schema(&self, media: &'a MediaType) -> Option<&'a ReferenceOr<Schema>> {
        let index = media.extensions.get(crate::load::ITEM_SCHEMA)?.as_u64()?;
        self.extra.item_schemas.get(usize::try_from(index).ok()?)
    }

    /// The items' schema of an array schema.
    fn array_item(&mut self, schema: SchemaRef<'a>, pointer: &str) -> Option<SchemaRef<'a>> {
        match &self.deref(schema, pointer)?.schema_kind {
            SchemaKind::Type(Type::Array(a)) => a.items.as_ref().map(|i| match i {
                ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
                ReferenceOr::Item(s) => SchemaRef::Item(s),
            }),
            _ => None,
        }
    }

    /// Whether a schema describes an event (a `data` property, and nothing
    /// beyond the event's fields) rather than an event's data.
    fn is_event_object(&mut self, schema: SchemaRef<'a>, pointer: &str) -> bool {
        let mut parts = ObjectParts::default();
        self.collect_object(schema, &mut parts, &mut None, pointer, &mut Default::default());
        parts.properties.iter().any(|(wire, _)| *wire == "data")
            && parts.properties.iter().all(|(wire, _)| EVENT_FIELDS.contains(&wire.as_str()))
    }

    /// The item an event object's `data` holds: its `contentSchema` (which
    /// loading keeps as the property's `x-generator-content-schema`), text
    /// for a string, else JSON of its schema.
    fn event_data(&mut self, event: SchemaRef<'a>, hint: Naming, pointer: &str) -> StreamItem {
        let mut parts = ObjectParts::default();
        self.collect_object(event, &mut parts, &mut None, pointer, &mut Default::default());
        let Some((_, data)) = parts.properties.iter().find(|(wire, _)| *wire == "data") else {
            self.warn(
                pointer,
                "this event schema has no `data` property; each event's data is read as text",
            );
            return StreamItem::Text;
        };
        let at = join(&join(pointer, "properties"), "data");
        let data = *data;
        if let Some(schema) = self.deref(data, &at) {
            if let Some(index) = schema.schema_data.extensions.get(crate::load::CONTENT_SCHEMA) {
                let content = index.as_u64().and_then(|i| self.extra.item_schemas.get(i as usize));
                if let Some(content) = content {
                    return self.item_of(content.into(), hint, &join(&at, "contentSchema"));
                }
            }
        }
        self.item_of(data, hint, &at)
    }

    /// One item's type: text for a string, else JSON of the schema.
    fn item_of(&mut self, schema: SchemaRef<'a>, hint: Naming, pointer: &str) -> StreamItem {
        let text = self.deref(schema, pointer).is_some_and(|s| {
            matches!(&s.schema_kind, SchemaKind::Type(Type::String(t)) if t.enumeration.is_empty() && t.format == openapiv3::VariantOrUnknownOrEmpty::Empty)
        });
        if text {
            return StreamItem::Text;
        }
        StreamItem::Json(self.schema_type(schema, hint, pointer))
    }

    /// The request body's boolean `stream` property, when it has one.
    fn stream_switch(&self, body: &RequestBody) -> Option<FieldAccess> {
        let BodyKind::Json(TypeRef::Named(name)) = &body.kind else { return None };
        let TypeKind::Struct(s) = &self.types.get(name)?.kind else { return None };
        let field =
            s.fields.iter().find(|f| f.wire_name == "stream" && f.ty == TypeRef::Boolean)?;
        Some(FieldAccess::of(field))
    }
}
