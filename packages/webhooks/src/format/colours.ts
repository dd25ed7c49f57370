/**
 * One colour per severity, shared by the chat formats.
 *
 * @module
 */
import type { Severity } from "./message-facts";

/** Hex colours: green, amber, orange, red, and grey for events without a risk level. */
export const SEVERITY_HEX: Readonly<Record<Severity, string>> = {
  low: "#2EB67D",
  medium: "#ECB22E",
  high: "#E8912D",
  critical: "#E01E5A",
  info: "#8D8D8D",
};

/** The Adaptive Card colour names Teams knows. */
export const SEVERITY_CARD_COLOR: Readonly<Record<Severity, string>> = {
  low: "Good",
  medium: "Warning",
  high: "Warning",
  critical: "Attention",
  info: "Default",
};

/** The Adaptive Card container styles Teams knows. */
export const SEVERITY_CARD_STYLE: Readonly<Record<Severity, string>> = {
  low: "good",
  medium: "warning",
  high: "warning",
  critical: "attention",
  info: "emphasis",
};
