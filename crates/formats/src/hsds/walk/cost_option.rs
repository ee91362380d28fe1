//! Cost options: wijkregie keeps only whether a service is free of charge.

use super::Walker;
use crate::hsds::node::Node;
use crate::hsds::schema::COST_OPTIONS;

/// What wijkregie reads of a cost option; `Walker::object` warns about the rest.
const COST_USED: &[&str] = &["id", "service_id", "option", "currency", "amount", "amount_description"];

impl Walker<'_> {
    pub(super) fn cost_option(&mut self, node: &Node) -> bool {
        if !self.object(node, "een kostenoptie (cost_option)", &COST_OPTIONS, COST_USED) {
            return false;
        }
        let Some(amount) = self.number(node, "amount") else { return false };
        if amount != 0.0 {
            self.warnings
                .add(&node.at_of("amount"), "bedragen worden niet bewaard; beschrijf kosten in fees_description");
        }
        amount == 0.0
    }
}
