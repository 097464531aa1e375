package rilproxy

import (
	"droidplex/rilproxy/parcel"
)

type cacheKey struct {
	id      parcel.ReqID
	payload string
}

// maxCacheEntries bounds the cache: the payload is part of the key, and a
// container chooses payloads, so without a bound one container could make
// rilproxyd grow until it is killed.
const maxCacheEntries = 256

// keyOf is the cache key of a request. A request with no payload is keyed
// by its id alone: trailing bytes, which libril tolerates, must not make
// each copy a new entry.
func keyOf(req parcel.Request) cacheKey {
	if req.ID.VoidRequest() {
		return cacheKey{id: req.ID}
	}
	return cacheKey{req.ID, string(req.Payload)}
}

// evictLocked makes room for one entry by dropping a settled one (never a
// query in flight: clients wait on those).
func (m *Mux) evictLocked() {
	for k, e := range m.cache {
		if !e.lead {
			delete(m.cache, k)
			return
		}
	}
}

// cacheEntry is one cached query: its last successful reply, or the lead
// request in flight and the clients waiting for the same answer.
type cacheEntry struct {
	key     cacheKey
	have    bool
	payload []byte
	lead    bool
	inval   uint32
	waiters []waiter
}

type waiter struct {
	sess   *session
	serial int32
}

func (m *Mux) cached(s *session, req parcel.Request, body []byte) {
	key := keyOf(req)
	m.mu.Lock()
	e := m.cache[key]
	switch {
	case e != nil && e.have:
		s.reply(req.Serial, parcel.Success, e.payload)
		m.mu.Unlock()
		return
	case e != nil && e.lead:
		e.waiters = append(e.waiters, waiter{s, req.Serial})
		m.mu.Unlock()
		return
	case !m.upOK.Load():
		m.mu.Unlock()
		s.reply(req.Serial, parcel.RadioNotAvailable, nil)
		return
	}
	t := m.tables[s.idx]
	t.mu.Lock()
	sl, serial := t.alloc()
	if sl == nil {
		t.mu.Unlock()
		m.mu.Unlock()
		s.reply(req.Serial, parcel.GenericFailure, nil)
		return
	}
	if e == nil {
		if len(m.cache) >= maxCacheEntries {
			m.evictLocked()
		}
		e = &cacheEntry{key: key}
		m.cache[key] = e
	}
	e.lead, e.inval = true, m.inval[req.ID]
	sl.id, sl.serial, sl.sess, sl.cache = req.ID, req.Serial, s, e
	sl.deadline = m.deadline(m.cfg.Timeout)
	t.mu.Unlock()
	m.mu.Unlock()
	parcel.SetRequestSerial(body, serial)
	m.writeModem(body)
}

// invalidateLocked forgets the cached replies of ids.
func (m *Mux) invalidateLocked(ids []parcel.ReqID) {
	for _, id := range ids {
		if int(id) < len(m.inval) {
			m.inval[id]++
		}
		for k, e := range m.cache {
			if k.id != id {
				continue
			}
			if e.lead {
				e.have, e.payload = false, nil
			} else {
				delete(m.cache, k)
			}
		}
	}
}
