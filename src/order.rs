//! The final resource order.
