/** Worked examples from the protocol reference (ws-fapi.md §3.2). */
export const V1_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
export const V1_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
export const V1_PAYLOAD = `apiKey=${V1_API_KEY}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL` +
  "&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT";
export const V1_SIGNATURE = "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24";
export const V1_UNICODE_PAYLOAD =
  `apiKey=${V1_API_KEY}&price=0.10000000&quantity=1.00000000&recvWindow=5000` +
  "&side=BUY&symbol=１２３４５６&timeInForce=GTC&timestamp=1645423376532&type=LIMIT";
export const V1_UNICODE_SIGNATURE = "b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd";
export const V2_PAYLOAD = `apiKey=${V1_API_KEY}&timestamp=1649729878532`;
export const V2_SIGNATURE = "1cf54395b336b0a9727ef27d5d98987962bc47aca6e13fe978612d0adee066ed";
export const V3_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9";
export const V3_PAYLOAD =
  "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943";
export const V3_SIGNATURE = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9";
export const V4_PEM =
  "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIJEYWtGBrhACmb9Dvy+qa8WEf0lQOl1s4CLIAB9m89u\n" +
  "-----END PRIVATE KEY-----\n";
export const V4_MESSAGE = "A\x01EXAMPLE\x01SPOT\x011\x0120240627-11:17:25.223";
export const V4_SIGNATURE =
  "4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM+5UdlGPrQHrgtS3CvsRURC1oj73j8gCA==";
export const V5_PAYLOAD =
  `apiKey=${V1_API_KEY}&newClientOrderId=my:order/1&price=52000.00&quantity=0.010&side=SELL` +
  "&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT";
export const V5_SIGNATURE = "4953dd99349d55f582faf0bc1eb470efc23c517871ecfc13b9c5c00241afc0b5";
export const V5_ED25519_LOGON =
  "PdyZthZkWH6iRM43rd8+UBP8CPxkW5TJq6Wxsjy8vl5St2O54RDvgGcqRWskW7xWLdftHLxCKA0PDzjLt26eDg==";
