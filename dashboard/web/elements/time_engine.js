/* frontlines time engine: every epoch of the record in the browser, any date drawn at once.
 *
 * `data` is dashboard.core.timeline's format plus the look (`look`) and the events: shapes once,
 * then per epoch only the leaders whose state changed.  A date's map follows from the leaders'
 * states by the rules of dashboard.core.timeline.decode (the tests hold the two together):
 *   a unit takes its leader's state; a pocket goes to the one uncontested, unbesieged holder of all
 *   the leaders around it (else nobody); an edge is a front line when its two leaders differ.
 * Only what differs from the date drawn before is restyled, so scrubbing costs a few layers a frame.
 *
 * Areas are drawn opaque, each with a hairline of its own colour, in one canvas whose pane is made
 * translucent: neighbouring units of one faction then read as one area with no seam between them.
 */
(function () {
  "use strict";
  var DAY = 86400000;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];

  function TimeEngine(map, data, options) {
    this.map = map;
    this.data = data;
    this.look = data.look;
    this.options = options || {};
    this.t0 = Date.parse(data.start + "T00:00:00Z");
    this.day = -1;
    this.epoch = -1;
    this.draws = 0;  // distinct dates drawn (the benchmark counts them)
    this.listeners = [];
    this._keys = data.leaders.map(function () { return 0; });
    this._applied = -1;  // epochs applied to _keys, in order
    this._epochDays = data.epochs.map(function (e) { return e.day; });
    this.filter = {factions: null, types: null};  // null: all
    this.compare = null;  // a day whose state changed land is compared with, or null
    this._nonce = null;
    this._build();
  }

  TimeEngine.prototype._pane = function (name, z, opacity) {
    var pane = this.map.getPane(name) || this.map.createPane(name);
    pane.style.zIndex = z;
    if (opacity !== undefined) pane.style.opacity = opacity;
    return L.canvas({pane: name, padding: 0.2});
  };

  TimeEngine.prototype._build = function () {
    var self = this, data = this.data, look = this.look, map = this.map;
    var areas = this._pane("fl-areas", 400, look.area_opacity);
    var lines = this._pane("fl-lines", 420);
    var points = this._pane("fl-points", 440);
    this._changeRenderer = this._pane("fl-changes", 410);
    this.units = data.shapes.map(function (shape, i) {
      var layer = L.GeoJSON.geometryToLayer({type: "Feature", geometry: shape, properties: {}},
                                            {renderer: areas, pane: "fl-areas"});
      layer.options.renderer = areas;
      layer._flIndex = i;
      layer._flStyle = null;
      layer.bindTooltip(function () { return self._areaTip(i); }, {sticky: true});
      return layer;
    });
    this.edges = data.edges.shapes.map(function (shape) {
      var layer = L.GeoJSON.geometryToLayer({type: "Feature", geometry: shape, properties: {}},
                                            {renderer: lines, pane: "fl-lines", interactive: false});
      layer.setStyle({color: look.front_colour, weight: 3.5, opacity: 1, fill: false});
      return layer;
    });
    this.outlines = data.outlines.map(function (shape) {
      return L.GeoJSON.geometryToLayer({type: "Feature", geometry: shape, properties: {}},
                                       {renderer: lines, pane: "fl-lines", interactive: false});
    });
    this.places = data.places.map(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {renderer: points, pane: "fl-points", radius: 4, weight: 1,
                                                   color: "#212121", fillOpacity: 1});
      marker.bindTooltip(function () {
        // A town whose last report is old says so (its land is drawn inferred: dashboard.core.reports).
        var old = self.epoch >= 0 && self._staleOf(self.epoch)[p.slot] ? " (no news for over a year)" : "";
        return p.tip + ": " + self._holder(self._keys[p.slot]) + old;
      });
      return marker;
    });
    this.events = (data.events || []).map(function (e) {
      var marker = L.circleMarker([e.lat, e.lon], {renderer: points, pane: "fl-points", radius: 8, weight: 3,
                                                   color: look.event_colours[e.type] || "#000000",
                                                   fillColor: "#ffffff", fillOpacity: 0.35});
      marker.bindTooltip(e.tip);
      marker.bindPopup(e.popup, {maxWidth: 340});
      marker.on("popupopen", function (event) {  // sources open in a new tab, without access to this page
        event.popup.getElement().querySelectorAll("a[href]").forEach(function (a) {
          a.target = "_blank";
          a.rel = "noopener noreferrer";
        });
      });
      return marker;
    });
    this.shownEvents = [];
    this.group = {
      areas: L.layerGroup().addTo(map), fronts: L.layerGroup().addTo(map),
      outlines: L.layerGroup().addTo(map), places: L.layerGroup().addTo(map),
      changes: L.layerGroup().addTo(map),
      events: L.layerGroup().addTo(map)
    };
    this.setLayers(this.options.layers || ["areas", "fronts", "places", "events"]);
  };

  TimeEngine.prototype._shown = function (faction) {
    var factions = this.filter.factions;
    return !factions || faction === "unclaimed" || factions.indexOf(faction) >= 0;
  };

  TimeEngine.prototype.command = function (command) {
    // What the page asks for (EngineCommand in time_engine.py): filters, layers, event window
    // and comparison date whenever they change, and a date to go to once per nonce.
    var redraw = false;
    var filter = {factions: command.factions || null, types: command.types || null};
    if (JSON.stringify(filter) !== JSON.stringify(this.filter)) { this.filter = filter; redraw = true; }
    if (command.window !== undefined && command.window !== this.look.window) {
      this.look.window = command.window; redraw = true;
    }
    var compare = command.compare ? this.dayOf(command.compare) : null;
    if (compare !== this.compare) { this.compare = compare; redraw = true; }
    if (command.layers) this.setLayers(command.layers);
    var day = this.day;
    if (command.goto && command.nonce !== this._nonce) {
      this._nonce = command.nonce;
      day = this.dayOf(command.goto);
    }
    if (redraw) { this.epoch = -1; this._eventKey = null; this.day = -1; }
    if (day >= 0) this.show(day);
  };

  TimeEngine.prototype.setLayers = function (names) {
    var map = this.map, group = this.group;
    Object.keys(group).forEach(function (name) {
      var on = name === "outlines" ? names.indexOf("areas") >= 0
        : name === "changes" ? true : names.indexOf(name) >= 0;
      if (on && !map.hasLayer(group[name])) group[name].addTo(map);
      if (!on && map.hasLayer(group[name])) map.removeLayer(group[name]);
    });
    // Events stay on top of the places' dots (one canvas: the last drawn takes the click), so a
    // click anywhere on an event's ring or on the dot inside it opens the event.
    if (map.hasLayer(group.events)) group.events.eachLayer(function (marker) { marker.bringToFront(); });
  };

  TimeEngine.prototype._holder = function (k) {
    var key = this.data.keys[k], names = this.look.names;
    var text = names[key[0]] || key[0];
    if (key[1].length) text += " (" + key[1].map(function (f) { return names[f] || f; }).join(", ") + ")";
    if (key[2]) text += ", besieged by " + (names[key[2]] || key[2]);
    return text;
  };

  TimeEngine.prototype._areaTip = function (i) {
    var n = this.data.units.leader.length, style = this.units[i]._flStyle;
    if (!style) return "";
    var km2 = 0, self = this;
    this.units.forEach(function (layer, j) {
      if (layer._flStyle && layer._flStyle.key === style.key) {
        km2 += j < n ? self.data.units.km2[j] : self.data.pockets.km2[j - n];
      }
    });
    // How sure the map is of the land under the pointer: reported land says nothing more.
    var tier = this.data.tiers[style.tier];
    var sure = tier === "held" ? "" : " \u00b7 " + this.look.tier_labels[tier];
    return this._holder(style.key) + ": " + Math.round(km2).toLocaleString("en") + " km\u00b2" + sure;
  };

  // --- dates ---------------------------------------------------------------------------------
  TimeEngine.prototype.iso = function (day) {
    return new Date(this.t0 + day * DAY).toISOString().slice(0, 10);
  };
  TimeEngine.prototype.dayOf = function (iso) {
    return Math.round((Date.parse(iso + "T00:00:00Z") - this.t0) / DAY);
  };
  TimeEngine.prototype.longDate = function (day) {
    var d = new Date(this.t0 + day * DAY);
    return d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  };
  TimeEngine.prototype.epochOf = function (day) {
    var days = this._epochDays, lo = 0, hi = days.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (days[mid] <= day) lo = mid; else hi = mid - 1;
    }
    return lo;
  };

  // --- state -----------------------------------------------------------------------------------
  TimeEngine.prototype._keysAt = function (epoch) {
    // Epochs hold only what changed: replay them from the start when going back.
    if (epoch < this._applied) {
      this._keys = this.data.leaders.map(function () { return 0; });
      this._applied = -1;
    }
    for (var e = this._applied + 1; e <= epoch; e++) {
      this.data.epochs[e].set.forEach(function (pair) { this._keys[pair[0]] = pair[1]; }, this);
    }
    this._applied = epoch;
    return this._keys;
  };

  TimeEngine.prototype._keysOf = function (epoch) {
    // The leaders' keys in an epoch, replayed apart from the drawn state.
    var keys = this.data.leaders.map(function () { return 0; });
    for (var e = 0; e <= epoch; e++) this.data.epochs[e].set.forEach(function (pair) { keys[pair[0]] = pair[1]; });
    return keys;
  };

  TimeEngine.prototype.stateAt = function (day) {
    // The state on `day` as indices, the same as dashboard.core.timeline.decode (for tests).
    var epoch = this.epochOf(day), keys = this._keysAt(epoch).slice(), data = this.data;
    var self = this, stale = this._staleOf(epoch);
    return {
      epoch: epoch, keys: keys,
      units: data.units.leader.map(function (slot) { return keys[slot]; }),
      tiers: data.units.leader.map(function (slot, i) { return self._tierOf(i, stale); }),
      pockets: data.pockets.neighbours.map(function (ns) { return self._pocketOwner(ns, keys); }),
      fronts: data.edges.a.map(function (a, i) {
        return data.keys[keys[a]][0] !== data.keys[keys[data.edges.b[i]]][0] ? i : -1;
      }).filter(function (i) { return i >= 0; }),
      outlines: data.epochs[epoch].outlines.map(function (pair) { return pair.slice(); })
    };
  };

  TimeEngine.prototype._staleOf = function (epoch) {
    // The leader slots whose last report is old in an epoch (dashboard.core.reports), as a set.
    var stale = {};
    this.data.epochs[epoch].stale.forEach(function (slot) { stale[slot] = true; });
    return stale;
  };

  TimeEngine.prototype._tierOf = function (unit, stale) {
    // The tier a unit is drawn in: a stale leader's held land is inferred (core: territory.drawn_tier).
    var tiers = this.data.tiers, tier = this.data.units.tier[unit];
    return stale[this.data.units.leader[unit]] && tiers[tier] === "held" ? tiers.indexOf("inferred") : tier;
  };

  TimeEngine.prototype._pocketOwner = function (neighbours, keys) {
    if (!neighbours.length) return null;
    var first = keys[neighbours[0]];
    for (var i = 1; i < neighbours.length; i++) if (keys[neighbours[i]] !== first) return null;
    var key = this.data.keys[first];
    return key[0] === "contested" || key[0] === "unclaimed" || key[2] ? null : first;
  };

  TimeEngine.prototype._style = function (k, tier) {
    var key = this.data.keys[k], look = this.look;
    var fill = look.fills[key[0]] ? look.fills[key[0]][tier] : look.unknown_colour;
    return {key: k, tier: tier, id: k + ":" + tier,
            css: {fillColor: fill, color: fill, weight: 0.8, opacity: 1, fillOpacity: 1, stroke: true}};
  };

  // --- drawing ---------------------------------------------------------------------------------
  TimeEngine.prototype.show = function (day) {
    day = Math.max(0, Math.min(this.data.days, Math.round(day)));
    if (isNaN(day) || day === this.day) return;
    this.day = day;
    var epoch = this.epochOf(day);
    if (epoch !== this.epoch) this._drawEpoch(epoch);
    this.draws += 1;
    this._drawEvents(day);
    var stamp = document.getElementById("fl-stamp");
    if (stamp) { stamp.textContent = this.longDate(day); stamp.setAttribute("data-date", this.iso(day)); }
    this.listeners.forEach(function (listener) { listener(day); });
  };

  TimeEngine.prototype._drawEpoch = function (epoch) {
    var data = this.data, keys = this._keysAt(epoch), n = data.units.leader.length;
    var dominated = data.tiers.indexOf("dominated"), self = this, group = this.group;
    var stale = this._staleOf(epoch);
    this.units.forEach(function (layer, i) {
      var k = i < n ? keys[data.units.leader[i]] : self._pocketOwner(data.pockets.neighbours[i - n], keys);
      var style = k === null || !self._shown(data.keys[k][0]) ? null
        : self._style(k, i < n ? self._tierOf(i, stale) : dominated);
      var before = layer._flStyle;
      if (style === null) {
        if (before) group.areas.removeLayer(layer);
      } else {
        if (!before || before.id !== style.id) layer.setStyle(style.css);
        if (!before) group.areas.addLayer(layer);
      }
      layer._flStyle = style;
    });
    var shown = {};
    data.edges.a.forEach(function (a, i) {
      var fa = data.keys[keys[a]][0], fb = data.keys[keys[data.edges.b[i]]][0];
      var front = fa !== fb && (self._shown(fa) || self._shown(fb));
      if (front !== group.fronts.hasLayer(self.edges[i])) {
        if (front) group.fronts.addLayer(self.edges[i]); else group.fronts.removeLayer(self.edges[i]);
      }
    });
    data.epochs[epoch].outlines.forEach(function (pair) { shown[pair[0]] = pair[1]; });
    this.outlines.forEach(function (line, o) {
      var on = shown[o] !== undefined;
      if (on) line.setStyle(self._outlineStyle(shown[o]));
      if (on !== group.outlines.hasLayer(line)) {
        if (on) group.outlines.addLayer(line); else group.outlines.removeLayer(line);
      }
    });
    this.places.forEach(function (marker, j) {
      var k = keys[data.places[j].slot], on = self._shown(data.keys[k][0]);
      if (marker._flKey !== k) {
        marker.setStyle({fillColor: self.look.colours[data.keys[k][0]] || self.look.unknown_colour});
        marker._flKey = k;
      }
      if (on !== group.places.hasLayer(marker)) {
        if (on) group.places.addLayer(marker); else group.places.removeLayer(marker);
      }
    });
    this._drawChanges(keys);
    this.epoch = epoch;
  };

  TimeEngine.prototype._drawChanges = function (keys) {
    // Land whose holder differs from the comparison date's, drawn over the areas in its new holder's
    // colour with a dashed outline (the core's land_changes compares the same units and pockets).
    var data = this.data, group = this.group.changes, n = data.units.leader.length, self = this;
    var then = this.compare === null ? null : this._keysOf(this.epochOf(this.compare)), now = keys;
    this.units.forEach(function (layer, i) {
      var before = null, after = null;
      if (then) {
        before = i < n ? then[data.units.leader[i]] : self._pocketOwner(data.pockets.neighbours[i - n], then);
        after = i < n ? now[data.units.leader[i]] : self._pocketOwner(data.pockets.neighbours[i - n], now);
      }
      var from = before === null ? "unclaimed" : data.keys[before][0];
      var to = after === null ? "unclaimed" : data.keys[after][0];
      var changed = then !== null && from !== to && (self._shown(from) || self._shown(to));
      var mark = layer._flChange;
      if (changed) {
        if (!mark) {
          mark = layer._flChange = L.GeoJSON.geometryToLayer(
            {type: "Feature", geometry: data.shapes[i], properties: {}}, {renderer: self._changeRenderer});
          mark.bindTooltip(function () {
            return self._holderName(mark._flFrom) + " \u2192 " + self._holderName(mark._flTo);
          }, {sticky: true});
        }
        mark._flFrom = from;
        mark._flTo = to;
        mark.setStyle({fillColor: self.look.colours[to] || self.look.unknown_colour, fillOpacity: 0.8,
                       color: "#000000", weight: 1.5, dashArray: "3 3", opacity: 1});
        if (!group.hasLayer(mark)) group.addLayer(mark);
      } else if (mark && group.hasLayer(mark)) {
        group.removeLayer(mark);
      }
    });
    var note = document.getElementById("fl-compare");
    if (note) note.textContent = then ? "changes since " + this.longDate(this.compare) + " highlighted" : "";
  };

  TimeEngine.prototype._holderName = function (faction) {
    return this.look.names[faction] || faction;
  };

  TimeEngine.prototype._outlineStyle = function (k) {
    // Besieged land has a solid outline; contested land a dashed one in the contested colour.
    var look = this.look, key = this.data.keys[k];
    if (key[2]) return {color: look.besieged_colour, weight: 2, opacity: 1, dashArray: null, fill: false};
    return {color: look.colours.contested, weight: 1.5, opacity: 1, dashArray: "6 4", fill: false};
  };

  TimeEngine.prototype._drawEvents = function (day) {
    var events = this.data.events || [], window_ = this.look.window, group = this.group.events;
    var want = [];
    for (var i = 0; i < events.length; i++) {
      if (events[i].day > day) break;  // in date order
      if (events[i].day >= day - window_ && this._eventShown(events[i])) want.push(i);
    }
    var key = want.join(",");
    if (key === this._eventKey) return;
    this._eventKey = key;
    this.shownEvents.forEach(function (i) { group.removeLayer(this.events[i]); }, this);
    want.forEach(function (i) { group.addLayer(this.events[i]); }, this);
    this.shownEvents = want;
  };

  TimeEngine.prototype._eventShown = function (e) {
    var types = this.filter.types;
    if (types && types.indexOf(e.type) < 0) return false;
    return !e.to || this._shown(e.from) || this._shown(e.to);
  };

  TimeEngine.prototype.onDate = function (listener) { this.listeners.push(listener); };

  // Days with a change of control (or any event), for Previous/Next and the slider's ticks.
  TimeEngine.prototype.previousEvent = function (day) {
    var days = this.data.event_days || [], found = null;
    for (var i = 0; i < days.length && days[i] < day; i++) found = days[i];
    return found;
  };
  TimeEngine.prototype.nextEvent = function (day) {
    var days = this.data.event_days || [];
    for (var i = 0; i < days.length; i++) if (days[i] > day) return days[i];
    return null;
  };

  // --- the player: slider, buttons, speed --------------------------------------------------------
  function Player(engine, box, options) {
    var self = this;
    this.engine = engine;
    this.options = options || {};
    this.slider = box.querySelector(".fl-slider");
    this.playButton = box.querySelector(".fl-play");
    this.speed = box.querySelector(".fl-speed");
    this.label = box.querySelector(".fl-day");
    this.prev = box.querySelector(".fl-prev");
    this.next = box.querySelector(".fl-next");
    this.timer = null;
    this.pending = null;
    this.settle = null;
    this.slider.max = engine.data.days;
    // The changes of control as ticks along the slider (the browser draws a datalist's options).
    var ticks = document.createElement("datalist");
    ticks.id = "fl-ticks";
    (engine.data.change_days || []).forEach(function (day) {
      var option = document.createElement("option");
      option.value = day;
      ticks.appendChild(option);
    });
    box.appendChild(ticks);
    this.slider.setAttribute("list", "fl-ticks");
    this.dragging = false;  // the page is told the date only once the thumb is let go
    this.slider.addEventListener("pointerdown", function () { self.dragging = true; });
    this.slider.addEventListener("input", function () { self.stop(); self.request(+self.slider.value); });
    this.slider.addEventListener("change", function () { self.dragging = false; self.settled(); });
    window.addEventListener("pointerup", function () {
      if (self.dragging) { self.dragging = false; self.settled(); }
    });
    this.prev.addEventListener("click", function () {
      self.stop(); self.go(engine.previousEvent(engine.day)); self.settled();
    });
    this.next.addEventListener("click", function () {
      self.stop(); self.go(engine.nextEvent(engine.day)); self.settled();
    });
    this.playButton.addEventListener("click", function () { if (self.timer) self.stop(); else self.play(); });
    engine.onDate(function (day) {
      self.slider.value = day;
      self.slider.setAttribute("aria-valuetext", engine.longDate(day));
      self.label.textContent = engine.iso(day);
      self.prev.disabled = engine.previousEvent(day) === null;
      self.next.disabled = engine.nextEvent(day) === null;
    });
  }

  Player.prototype.request = function (day) {  // draw on the next frame (a drag asks many times a frame)
    var self = this;
    if (this.pending === null) {
      requestAnimationFrame(function () { var d = self.pending; self.pending = null; self.engine.show(d); });
    }
    this.pending = day;
  };

  Player.prototype.go = function (day) { if (day !== null && day !== undefined) this.engine.show(day); };

  Player.prototype.play = function () {
    var self = this, engine = this.engine, last = 0;
    if (engine.day >= engine.data.days) engine.show(0);
    this.playButton.textContent = "\u23f8 Pause";
    this.playButton.setAttribute("aria-pressed", "true");
    var frame = function (now) {
      if (!self.timer) return;
      if (now - last >= 1000 / (self.options.fps || 20)) {
        last = now;
        var step = self.speed ? self.speed.value : "7";
        var next = step === "month" ? engine.dayOf(addMonth(engine.iso(engine.day))) : engine.day + (+step);
        engine.show(next);
        if (engine.day >= engine.data.days) { self.stop(); return; }
      }
      self.timer = requestAnimationFrame(frame);
    };
    this.timer = requestAnimationFrame(frame);
  };

  function addMonth(iso) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCMonth(d.getUTCMonth() + 1);
    return d.toISOString().slice(0, 10);
  }

  Player.prototype.stop = function () {
    if (this.timer) cancelAnimationFrame(this.timer);
    this.timer = null;
    this.playButton.textContent = "\u25b6 Play";
    this.playButton.setAttribute("aria-pressed", "false");
    this.settled();
  };

  Player.prototype.settled = function () {
    // Tell the page once the user's date rests (not while playing or dragging): `onSettle(day)`.
    // Dates the page itself asked for (the opening, a command) are not reported back.
    var self = this, wait = this.options.settle_ms === undefined ? 300 : this.options.settle_ms;
    clearTimeout(this.settle);
    if (this.timer || this.dragging || !this.options.onSettle) return;
    this.settle = setTimeout(function () { self.options.onSettle(self.engine.day); }, wait);
  };

  window.FrontlinesTime = {TimeEngine: TimeEngine, Player: Player};
})();
