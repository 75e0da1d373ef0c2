// A fixed self-signed certificate for 127.0.0.1/localhost (valid 2020–2120), so the simulated
// servers speak TLS: kubectl sends bearer tokens only over https. It guards nothing; the
// servers listen on loopback only and the kubeconfig pins this certificate as the CA.
export const simTlsCert = `-----BEGIN CERTIFICATE-----
MIIBlTCCATqgAwIBAgIBATAKBggqhkjOPQQDAjAYMRYwFAYDVQQDDA1mbGVldGRl
Y2stc2ltMCAXDTIwMDEwMTAwMDAwMFoYDzIxMjAwMTAxMDAwMDAwWjAYMRYwFAYD
VQQDDA1mbGVldGRlY2stc2ltMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE+ev8
nxsMEgAi8EN2Vekh2PMRgQyUP8mpw82DhdhRgsfVCidVzh4IUOcJJbLDL8C9UIaG
GqSvZZVdZEt/OqZ5iaNzMHEwGgYDVR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8G
A1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgKEMBMGA1UdJQQMMAoGCCsGAQUF
BwMBMB0GA1UdDgQWBBR4fcq3fR3NPwe9EAcS7Xl4T8PJizAKBggqhkjOPQQDAgNJ
ADBGAiEAtGOWmlxWfD/6NFdKwX29o7M0ee5iu6E9NUqO3io4yQUCIQDzlVjngWpS
pWb50qlUg5u7V/KgI4If3ugwVTv9EJsRrg==
-----END CERTIFICATE-----
`;

export const simTlsKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgddh8xph4ZVQ0x0Ue
LYGTlYeD0KD9baJoSqjTIhvFbg2hRANCAAT56/yfGwwSACLwQ3ZV6SHY8xGBDJQ/
yanDzYOF2FGCx9UKJ1XOHghQ5wklssMvwL1QhoYapK9llV1kS386pnmJ
-----END PRIVATE KEY-----
`;
