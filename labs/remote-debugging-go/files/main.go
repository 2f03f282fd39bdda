// Command ledger books entries for the billing team: POST /entries with a JSON
// body {"account": "...", "amountCents": N} answers with the entry and its fee.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
)

// Entry is one booking as clients send it.
type Entry struct {
	Account     string `json:"account"`
	AmountCents int64  `json:"amountCents"`
}

// Receipt is what the service answers.
type Receipt struct {
	Account     string `json:"account"`
	AmountCents int64  `json:"amountCents"`
	Tier        string `json:"tier"`
	FeeCents    int64  `json:"feeCents"`
}

// tiers maps an account id to its pricing tier. It is read at start-up from
// the file the ledger-tiers ConfigMap mounts.
var tiers map[string]string

// feeFor is the fee, in cents, of booking amountCents for an account of a tier.
func feeFor(tier string, amountCents int64) int64 {
	switch tier {
	case "gold":
		return amountCents / 200
	case "silver":
		return amountCents / 100
	case "standard":
		return amountCents / 50
	}
	return 0
}

// handleEntry books one ledger entry and its fee.
func handleEntry(w http.ResponseWriter, r *http.Request) {
	var e Entry
	if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	tier := tiers[e.Account]
	fee := feeFor(tier, e.AmountCents)
	log.Printf("booked %s amount=%d tier=%q fee=%d", e.Account, e.AmountCents, tier, fee)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Receipt{Account: e.Account, AmountCents: e.AmountCents, Tier: tier, FeeCents: fee})
}

func loadTiers(path string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("reading tiers: %v", err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		log.Fatalf("parsing %s: %v", path, err)
	}
	return m
}

func main() {
	tiers = loadTiers("/etc/ledger/tiers.json")
	http.HandleFunc("/entries", handleEntry)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
