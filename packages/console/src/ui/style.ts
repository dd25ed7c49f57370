/**
 * The UI's stylesheet, served as a file (the CSP allows no inline style).
 *
 * @module
 */
export const STYLE = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1d2433; background: #f6f7f9; }
body { margin: 0 auto; max-width: 1200px; padding: 0 16px 48px; }
header { display: flex; align-items: baseline; gap: 16px; } h1 { font-size: 20px; } #who { color: #5b6475; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 16px; margin: 12px 0; }
h2 { font-size: 16px; margin: 8px 0; } h3 { font-size: 14px; margin: 12px 0 4px; }
table { width: 100%; border-collapse: collapse; } th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
tr.delivery { cursor: pointer; } tr.delivery:hover, tr.delivery:focus { background: #eef3ff; outline: none; }
pre { background: #f3f4f7; padding: 8px; overflow: auto; max-height: 320px; white-space: pre-wrap; word-break: break-word; }
.badge { border-radius: 10px; padding: 1px 8px; font-size: 12px; background: #e6e8ee; }
.status-delivered { background: #dcf5e3; color: #13602c; } .status-dead { background: #fde2e1; color: #8a1c16; } .status-pending { background: #fff3d6; color: #6d4c00; }
.notes { color: #5b6475; } .message { min-height: 1.4em; color: #13602c; } .error { color: #8a1c16; }
form#filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: end; }
button { font: inherit; padding: 3px 10px; border: 1px solid #b8bfcc; border-radius: 4px; background: #fff; cursor: pointer; }
button:disabled { cursor: not-allowed; color: #9aa1ad; }
svg#chart { width: 100%; height: 120px; background: #fafbfc; }
rect.ok, .legend .ok { fill: #2f9e57; color: #2f9e57; } rect.bad, .legend .bad { fill: #d1453b; color: #d1453b; }
.legend { font-weight: normal; font-size: 12px; }
`;
