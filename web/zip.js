/* A tiny ZIP writer (stored entries, no compression) for "download code".
 * Builds the archive in the browser from the session's /files answer, so no
 * extra endpoint is needed. UTF-8 names (general purpose flag bit 11). */
'use strict';

(function (global) {
  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++)
        c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++)
      crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  function dosDateTime(date) {
    var time = (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1);
    var year = Math.max(1980, date.getFullYear());
    var day = ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate();
    return { time: time & 0xffff, date: day & 0xffff };
  }

  /** A path safe to unpack: no absolute paths, no "..", no backslashes. */
  function safePath(path) {
    var parts = String(path).replace(/\\/g, '/').split('/').filter(function (p) {
      return p !== '' && p !== '.' && p !== '..';
    });
    return parts.join('/') || 'file';
  }

  /**
   * entries: [{path, content}] where content is a string (UTF-8 encoded) or a Uint8Array.
   * Returns a Blob of type application/zip.
   */
  function makeZip(entries, when) {
    var enc = new TextEncoder();
    var stamp = dosDateTime(when || new Date());
    var chunks = [];
    var central = [];
    var offset = 0;
    var seen = Object.create(null);

    entries.forEach(function (entry) {
      var name = safePath(entry.path);
      while (seen[name]) name = name + '_';
      seen[name] = true;
      var nameBytes = enc.encode(name);
      var data = typeof entry.content === 'string' ? enc.encode(entry.content) : entry.content;
      var crc = crc32(data);

      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);
      local.setUint16(6, 0x0800, true);
      local.setUint16(8, 0, true);
      local.setUint16(10, stamp.time, true);
      local.setUint16(12, stamp.date, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, nameBytes.length, true);
      local.setUint16(28, 0, true);
      chunks.push(new Uint8Array(local.buffer), nameBytes, data);

      var cd = new DataView(new ArrayBuffer(46));
      cd.setUint32(0, 0x02014b50, true);
      cd.setUint16(4, 0x0314, true); // made by: UNIX, spec 2.0
      cd.setUint16(6, 20, true);
      cd.setUint16(8, 0x0800, true);
      cd.setUint16(10, 0, true);
      cd.setUint16(12, stamp.time, true);
      cd.setUint16(14, stamp.date, true);
      cd.setUint32(16, crc, true);
      cd.setUint32(20, data.length, true);
      cd.setUint32(24, data.length, true);
      cd.setUint16(28, nameBytes.length, true);
      cd.setUint16(30, 0, true);
      cd.setUint16(32, 0, true);
      cd.setUint16(34, 0, true);
      cd.setUint16(36, 0, true);
      cd.setUint32(38, (0o100644 << 16) >>> 0, true); // -rw-r--r--
      cd.setUint32(42, offset, true);
      central.push(new Uint8Array(cd.buffer), nameBytes);

      offset += 30 + nameBytes.length + data.length;
    });

    var cdSize = central.reduce(function (n, c) { return n + c.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, cdSize, true);
    end.setUint32(16, offset, true);
    end.setUint16(20, 0, true);

    return new Blob(chunks.concat(central, [new Uint8Array(end.buffer)]), { type: 'application/zip' });
  }

  global.SpawnZip = { makeZip: makeZip, crc32: crc32, safePath: safePath };
})(window);
