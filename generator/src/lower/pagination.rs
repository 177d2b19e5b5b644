//! Which list operations page, and how: recognised from what the spec
//! shows, or said by the `x-pagination` extension where it cannot be seen.
//!
//! Recognised (names compared in snake case; a response field may sit at
//! the top level or in an object holding paging details: `links`,
//! `_links`, `paging`, `pagination`, `meta`, `response_metadata`,
//! `cursors`, `next`):
//!
//! | request parameter | response field | step |
//! |---|---|---|
//! | `cursor`, `page_token`, `next_token`, `token`, `continuation_token`, `marker`, `starting_after`, `after` | `next_page` (dropshot), `next_cursor`, `cursor`, `next_page_token`, `next_token`, `continuation_token`, `next_marker`, `next`; a nested `next` (`meta.cursors.next`) | cursor |
//! | `previous_<key>` | `next_page_<key>` (Agilicus: `previous_email`, `next_page_email`) | cursor |
//! | | `nextLink`, `@odata.nextLink`, `next_page_url`, `next_url`, `next_page_link`, `next_href`, HAL's `_links.next.href`, JSON:API's `links.next`, a `next` no parameter takes back (Django's) | the next page's URL |
//! | `starting_after`, `after`, `after_id`, `since_id` | `has_more` (boolean), items with a text `id` (Stripe) | the last item's `id`, while `has_more` |
//! | `offset` (integer) | | by the items received |
//! | `page`, `page_number`, `page_index`, `page_no`, `page_num` (integer; `pageNumber`, `page[number]`) | | by one, from its `default`, else its `minimum`, else 0 for an index and 1 for the rest |
//!
//! The operation must be a GET whose success body is an object with one
//! array property, the items. Otherwise, a success response documenting a
//! `Link` header pages by it (`rel="next"`, GitHub's way), its items the
//! body's one array property or the body itself when it is an array.
//! Azure's `x-ms-pageable` (`{nextLinkName, itemName}`; a `nextLinkName`
//! of `null` means one page) is read as it says. `x-pagination` on the
//! operation says it where names do not: `{items: users, cursor: {param:
//! previous_email, field: next_page_email}}`, `{items: users, offset:
//! offset}` or `{items: users, page: page, first: 0}`. A next page's URL is
//! followed only within the base URL's origin, as a `Link` header's.

use std::collections::VecDeque;

use heck::ToSnakeCase;
use serde_json::Value;

use super::Lowerer;
use crate::ir::{
    BodyKind, Field, FieldAccess, Method, PageStep, Pagination, ParamLocation, Parameter, Struct,
    Success, SuccessShape, TypeKind, TypeRef,
};

const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "next_token",
    "token",
    "continuation_token",
    "marker",
    "starting_after",
    "after",
];

const CURSOR_FIELDS: &[&str] = &[
    "next_page",
    "next_cursor",
    "cursor",
    "next_page_token",
    "next_token",
    "continuation_token",
    "next_marker",
    "next",
];

impl Lowerer<'_> {
    /// How the operation pages, if it does.
    pub(super) fn pagination(
        &mut self,
        method: Method,
        extension: Option<&Value>,
        ms_pageable: Option<&Value>,
        params: &[Parameter],
        success: &Success,
        pointer: &str,
    ) -> Option<Pagination> {
        if method != Method::Get {
            return None;
        }
        // One page type, always there (not an `Option` when some success
        // status has no body).
        let SuccessShape::Single { body: Some(BodyKind::Json(page)), optional: false } =
            &success.shape
        else {
            return None;
        };
        let linked = success
            .responses
            .iter()
            .any(|r| r.headers.iter().any(|h| h.wire_name.eq_ignore_ascii_case("link")));
        let body = match page {
            TypeRef::Named(name) => match &self.types.get(name)?.kind {
                TypeKind::Struct(s) => s.clone(),
                _ => return None,
            },
            // A bare array pages only by its `Link` header.
            TypeRef::List(item) if linked && extension.is_none() => {
                let how = "the `Link` header's `rel=\"next\"` is the next page".to_string();
                return Some(Pagination {
                    items_field: None,
                    item: (**item).clone(),
                    next: PageStep::Link,
                    how,
                });
            }
            _ => return None,
        };
        let found = match extension {
            Some(ext) => {
                let declared = declared(ext, params, &body);
                if declared.is_none() {
                    self.warn(
                        &crate::diag::join(pointer, "x-pagination"),
                        "`x-pagination` names no array property and request parameter of this operation; it is not paged",
                    );
                }
                declared
            }
            None => match ms_pageable {
                Some(ext) => ms_pageable_of(ext, &body),
                None => recognised(self, params, &body),
            },
        };
        found.or_else(|| {
            let lists: Vec<&Field> =
                body.fields.iter().filter(|f| matches!(f.ty, TypeRef::List(_))).collect();
            match (linked && extension.is_none(), lists.as_slice()) {
                (true, [items]) => {
                    let how = "the `Link` header's `rel=\"next\"` is the next page".to_string();
                    paged(items, PageStep::Link, how)
                }
                _ => None,
            }
        })
    }
}

/// Names of a body field that holds the next page's URL (snake case).
const LINK_FIELDS: &[&str] =
    &["next_link", "odata_next_link", "next_page_url", "next_url", "next_page_link", "next_href"];

/// Objects that hold paging details (JSON:API's `links`, HAL's `_links`,
/// `paging`, `pagination`, `meta`, Slack's `response_metadata`), searched
/// for a cursor or a link beside the top level.
const PAGING_OBJECTS: &[&str] =
    &["links", "paging", "pagination", "meta", "response_metadata", "cursors", "next"];

/// Parameters that take the last item's id (snake case).
const AFTER_PARAMS: &[&str] = &["starting_after", "after", "after_id", "since_id"];

/// Page number parameters by their other names (snake case).
const PAGE_PARAMS: &[&str] = &["page", "page_number", "page_index", "page_no", "page_num"];

/// A text field of the page body, at the end of a path of fields: its
/// wire name (snake case), the path, and its format.
struct Leaf {
    name: String,
    /// The wire names along the path (`_links.next.href`), for the docs.
    dotted: String,
    /// The name of the object holding it (`links` for `links.next`).
    parent: Option<String>,
    path: Vec<FieldAccess>,
    format: Option<String>,
}

impl Lowerer<'_> {
    /// The text fields of `body`, at the top level and in the objects that
    /// hold paging details (two levels down at most), nearest first.
    fn leaves(&self, body: &Struct) -> Vec<Leaf> {
        let mut out = Vec::new();
        let mut todo: VecDeque<(Vec<FieldAccess>, String, Option<String>, &Struct)> =
            VecDeque::from([(Vec::new(), String::new(), None, body)]);
        while let Some((path, prefix, parent, s)) = todo.pop_front() {
            for f in &s.fields {
                let name = f.wire_name.to_snake_case();
                let mut here = path.clone();
                here.push(FieldAccess::of(f));
                let dotted = format!("{prefix}{}", f.wire_name);
                match &f.ty {
                    TypeRef::String => out.push(Leaf {
                        name,
                        dotted,
                        parent: parent.clone(),
                        path: here,
                        format: f.facts.format.clone(),
                    }),
                    TypeRef::Named(n)
                        if path.len() < 2
                            && PAGING_OBJECTS.contains(&name.trim_start_matches('_')) =>
                    {
                        if let Some(TypeKind::Struct(inner)) = self.types.get(n).map(|t| &t.kind) {
                            todo.push_back((here, format!("{dotted}."), Some(name), inner));
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// The `id` field (text) of the objects a list holds.
    fn item_id(&self, items: &Field) -> Option<FieldAccess> {
        let TypeRef::List(item) = &items.ty else { return None };
        let TypeRef::Named(name) = &**item else { return None };
        let TypeKind::Struct(s) = &self.types.get(name)?.kind else { return None };
        let id = s.field("id").filter(|f| f.ty == TypeRef::String && !f.boxed)?;
        Some(FieldAccess::of(id))
    }
}

fn query(params: &[Parameter], snake: &str) -> Option<usize> {
    params
        .iter()
        .position(|p| p.location == ParamLocation::Query && p.wire_name.to_snake_case() == snake)
}

fn paged(items: &Field, next: PageStep, how: String) -> Option<Pagination> {
    let TypeRef::List(item) = &items.ty else { return None };
    Some(Pagination {
        items_field: Some(FieldAccess::of(items)),
        item: (**item).clone(),
        next,
        how,
    })
}

fn cursor(param: usize, field: &Field) -> PageStep {
    PageStep::Cursor { param, field: vec![FieldAccess::of(field)] }
}

/// Pagination read from well-known names.
fn recognised(cx: &Lowerer<'_>, params: &[Parameter], body: &Struct) -> Option<Pagination> {
    let lists: Vec<&Field> =
        body.fields.iter().filter(|f| matches!(f.ty, TypeRef::List(_))).collect();
    let [items] = lists.as_slice() else { return None };
    let leaves = cx.leaves(body);
    let cursor_param = || {
        CURSOR_PARAMS
            .iter()
            .find_map(|p| query(params, p))
            .filter(|&i| params[i].ty == TypeRef::String)
    };
    for leaf in &leaves {
        let param = match leaf.name.strip_prefix("next_page_").filter(|k| *k != "token") {
            // Not `<key>` itself: that is usually a filter (`email`).
            Some(key) => query(params, &format!("previous_{key}")),
            None if CURSOR_FIELDS.contains(&leaf.name.as_str()) => cursor_param(),
            // `meta.cursors.next`, `pagination.next_cursor`: a cursor by place.
            None if leaf.name == "next" && leaf.parent.is_some() => cursor_param(),
            None => None,
        };
        let Some(param) = param.filter(|&i| params[i].ty == TypeRef::String) else { continue };
        let how = format!(
            "the response's `{}` is the next request's `{}`",
            leaf.dotted, params[param].wire_name
        );
        return paged(items, PageStep::Cursor { param, field: leaf.path.clone() }, how);
    }
    // A URL of the next page in the body: by its name, or a `next` that no
    // parameter takes back (Django's), or HAL's `next.href`.
    let link = leaves.iter().find(|leaf| {
        let url = leaf.format.as_deref().is_some_and(|f| f == "uri" || f == "url");
        LINK_FIELDS.contains(&leaf.name.as_str())
            || (leaf.name == "href" && leaf.parent.as_deref() == Some("next"))
            || (leaf.name == "next" && (url || cursor_param().is_none()))
    });
    if let Some(leaf) = link {
        let how = format!("the response's `{}` is the next page's URL", leaf.dotted);
        return paged(items, PageStep::BodyLink { field: leaf.path.clone() }, how);
    }
    // Has-more with the last item's id (Stripe's `has_more` and
    // `starting_after`): the items must be objects with a text `id`.
    let has_more = body
        .fields
        .iter()
        .find(|f| f.ty == TypeRef::Boolean && f.wire_name.to_snake_case() == "has_more");
    let after = AFTER_PARAMS.iter().find_map(|p| query(params, p));
    if let (Some(has_more), Some(param)) =
        (has_more, after.filter(|&i| params[i].ty == TypeRef::String))
    {
        if let Some(id) = cx.item_id(items) {
            let how = format!(
                "while `{}` is true, the last item's `id` is the next request's `{}`",
                has_more.wire_name, params[param].wire_name
            );
            let step = PageStep::AfterLast { param, has_more: FieldAccess::of(has_more), id };
            return paged(items, step, how);
        }
    }
    let integer = |i: &usize| matches!(params[*i].ty, TypeRef::Integer(_));
    if let Some(param) = query(params, "offset").filter(integer) {
        let how = "`offset` advances by the items each page holds".to_string();
        return paged(items, PageStep::Offset { param }, how);
    }
    let param = PAGE_PARAMS.iter().find_map(|p| query(params, p)).filter(integer)?;
    let facts = &params[param].facts;
    // An index counts from 0, a number from 1, unless the spec says.
    let zero = params[param].wire_name.to_snake_case().ends_with("index");
    let first = [&facts.default, &facts.minimum]
        .into_iter()
        .flatten()
        .find_map(|v| v.parse::<i64>().ok())
        .unwrap_or(if zero { 0 } else { 1 });
    let how = format!("`{}` counts up from {first}", params[param].wire_name);
    paged(items, PageStep::Page { param, first }, how)
}

/// Azure's `x-ms-pageable`: `itemName` (default `value`) holds the items,
/// `nextLinkName` the next page's URL; a `nextLinkName` of `null` means
/// the list comes whole.
fn ms_pageable_of(ext: &Value, body: &Struct) -> Option<Pagination> {
    let items_name = ext.get("itemName").and_then(Value::as_str).unwrap_or("value");
    let items = body.fields.iter().find(|f| f.wire_name == items_name)?;
    let next = body.field(ext.get("nextLinkName")?.as_str()?)?;
    let how = format!(
        "declared (`x-ms-pageable`): the response's `{}` is the next page's URL",
        next.wire_name
    );
    paged(items, PageStep::BodyLink { field: vec![FieldAccess::of(next)] }, how)
}

/// Pagination as `x-pagination` declares it.
fn declared(ext: &Value, params: &[Parameter], body: &Struct) -> Option<Pagination> {
    let by_wire = |wire: &str| {
        params.iter().position(|p| p.location == ParamLocation::Query && p.wire_name == wire)
    };
    let field = |wire: &str| body.fields.iter().find(|f| f.wire_name == wire);
    let items = field(ext.get("items")?.as_str()?)?;
    if let Some(c) = ext.get("cursor") {
        let param = by_wire(c.get("param")?.as_str()?)?;
        let next = field(c.get("field")?.as_str()?).filter(|f| f.ty == TypeRef::String)?;
        let how = format!(
            "declared: the response's `{}` is the next request's `{}`",
            next.wire_name, params[param].wire_name
        );
        return paged(items, cursor(param, next), how);
    }
    if let Some(offset) = ext.get("offset").and_then(Value::as_str) {
        let how = format!("declared: `{offset}` advances by the items each page holds");
        return paged(items, PageStep::Offset { param: by_wire(offset)? }, how);
    }
    let page = ext.get("page")?.as_str()?;
    let first = ext.get("first").and_then(Value::as_i64).unwrap_or(1);
    let how = format!("declared: `{page}` counts up from {first}");
    paged(items, PageStep::Page { param: by_wire(page)?, first }, how)
}
