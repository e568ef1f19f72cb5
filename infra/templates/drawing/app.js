const pad = $("#pad"), ctx = pad.getContext("2d");
let strokes = store.get("strokes", []), current = null, erasing = false;
function paint(s) {
  if (!s.points.length) return;
  ctx.strokeStyle = s.erase ? "#ffffff" : s.colour; ctx.lineWidth = s.size; ctx.lineCap = "round"; ctx.lineJoin = "round";
  ctx.beginPath(); ctx.moveTo(s.points[0][0], s.points[0][1]);
  for (const [x, y] of s.points) ctx.lineTo(x, y);
  if (s.points.length === 1) ctx.lineTo(s.points[0][0] + 0.1, s.points[0][1]);
  ctx.stroke();
}
function redraw() { ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, pad.width, pad.height); strokes.forEach(paint); $("#strokes").textContent = strokes.length + (strokes.length === 1 ? " stroke" : " strokes"); }
function at(e) { const r = pad.getBoundingClientRect(); return [Math.round((e.clientX - r.left) * pad.width / r.width), Math.round((e.clientY - r.top) * pad.height / r.height)]; }
pad.addEventListener("pointerdown", (e) => { current = { colour: $("#colour").value, size: Number($("#size").value), erase: erasing, points: [at(e)] }; strokes.push(current); try { pad.setPointerCapture(e.pointerId); } catch (err) { /* synthetic event */ } redraw(); });
pad.addEventListener("pointermove", (e) => { if (!current) return; current.points.push(at(e)); redraw(); });
const end = () => { if (current) { current = null; store.set("strokes", strokes.slice(-200)); } };
pad.addEventListener("pointerup", end);
pad.addEventListener("pointerleave", end);
$("#eraser").addEventListener("click", () => { erasing = !erasing; $("#eraser").setAttribute("aria-pressed", String(erasing)); });
$("#undo").addEventListener("click", () => { strokes.pop(); store.set("strokes", strokes); redraw(); });
$("#clear").addEventListener("click", () => { strokes = []; store.set("strokes", strokes); redraw(); });
$("#png").addEventListener("click", () => { const a = h("a", { href: pad.toDataURL("image/png"), download: "drawing.png" }); document.body.append(a); a.click(); a.remove(); });
redraw();
